//! The logged-in session: posts form-encoded calls to `/srv.asmx/<Method>`, keeps the ticket, and logs in again
//! once when the server says the ticket expired.

use docket_core::{http, ProviderError, Secret};
use tokio::sync::Mutex;

use super::answer::{check, Method, Refusal};
use super::xml::Element;

pub(super) struct Session {
    http: reqwest::Client,
    /// `{base}/srv.asmx`
    endpoint: String,
    username: String,
    password: Secret,
    ticket: Mutex<Option<Secret>>,
}

impl Session {
    pub fn new(http: reqwest::Client, base_url: &str, username: String, password: Secret) -> Self {
        Session {
            http,
            endpoint: format!("{}/srv.asmx", base_url.trim_end_matches('/')),
            username,
            password,
            ticket: Mutex::new(None),
        }
    }

    /// Calls a ticketed method (the ticket goes first, as `AuthenticationTicket`). A ticket the server no longer
    /// accepts is replaced by logging in again, once; a second refusal is `Unauthorized`.
    pub async fn call(
        &self,
        method: Method,
        params: &[(&str, &str)],
    ) -> Result<Element, ProviderError> {
        let ticket = self.current_ticket().await?;
        match self.call_with(method, &ticket, params).await? {
            Ok(answer) => return Ok(answer),
            Err(message) => {
                tracing::debug!(
                    method = method.name(),
                    "ticket refused ({message}); logging in again"
                );
            }
        }
        let ticket = self.renew(&ticket).await?;
        match self.call_with(method, &ticket, params).await? {
            Ok(answer) => Ok(answer),
            Err(message) => Err(ProviderError::Unauthorized { message }),
        }
    }

    /// The outer error is final; the inner one is a ticket refusal with the server's message.
    async fn call_with(
        &self,
        method: Method,
        ticket: &Secret,
        params: &[(&str, &str)],
    ) -> Result<Result<Element, String>, ProviderError> {
        let mut form = Vec::with_capacity(params.len() + 1);
        form.push(("AuthenticationTicket", ticket.expose()));
        form.extend_from_slice(params);
        match self.post(method, &form).await? {
            Ok(answer) => Ok(Ok(answer)),
            Err(Refusal::Ticket(message)) => Ok(Err(message)),
            Err(Refusal::Error(err)) => Err(err),
        }
    }

    async fn current_ticket(&self) -> Result<Secret, ProviderError> {
        let mut slot = self.ticket.lock().await;
        if let Some(ticket) = slot.as_ref() {
            return Ok(ticket.clone());
        }
        let ticket = self.authenticate().await?;
        *slot = Some(ticket.clone());
        Ok(ticket)
    }

    /// Logs in again unless another call already replaced `stale` while this one waited.
    async fn renew(&self, stale: &Secret) -> Result<Secret, ProviderError> {
        let mut slot = self.ticket.lock().await;
        if let Some(current) = slot.as_ref() {
            if current != stale {
                return Ok(current.clone());
            }
        }
        *slot = None;
        let ticket = self.authenticate().await?;
        *slot = Some(ticket.clone());
        Ok(ticket)
    }

    async fn authenticate(&self) -> Result<Secret, ProviderError> {
        let form = [
            ("UID", self.username.as_str()),
            ("PWD", self.password.expose()),
        ];
        let answer = match self.post(Method::AuthenticateUser, &form).await? {
            Ok(answer) => answer,
            Err(Refusal::Ticket(message)) => return Err(ProviderError::Unauthorized { message }),
            Err(Refusal::Error(err)) => return Err(err),
        };
        if answer
            .attr("isAuthenticated")
            .is_some_and(|flag| flag.trim().eq_ignore_ascii_case("false"))
        {
            return Err(ProviderError::Unauthorized {
                message: "the server answered isAuthenticated=\"False\"".into(),
            });
        }
        let ticket = answer
            .attr("ticket")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ProviderError::protocol("AuthenticateUser answered success without a ticket")
            })?;
        tracing::debug!(
            user = %self.username,
            expires = answer.attr("expireOn").unwrap_or("?"),
            "logged in to infoRouter"
        );
        Ok(Secret::new(ticket))
    }

    /// One POST with the HTTP form binding; the answer is parsed and checked for `success`.
    async fn post(
        &self,
        method: Method,
        form: &[(&str, &str)],
    ) -> Result<Result<Element, Refusal>, ProviderError> {
        let url = format!("{}/{}", self.endpoint, method.name());
        tracing::debug!(url = %url, "POST");
        let response = self.http.post(&url).form(form).send().await?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let body = http::read_text(response).await.unwrap_or_default();
            return Err(http::status_error(status, &headers, http::excerpt(&body)));
        }
        let body = http::read_text(response).await?;
        let root = Element::parse(&body)?;
        Ok(check(method, root))
    }
}
