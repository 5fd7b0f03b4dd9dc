//! The logged-in session: posts form-encoded calls to `/srv.asmx/<Method>`, keeps the ticket, and logs in again
//! once when the server says the ticket expired.

use docket_core::{http, ProviderError, Secret};
use tokio::sync::Mutex;

use super::answer::{check, Method, Refusal};
use super::streamed::{self, ChunkAnswer};
use super::xml::Element;

/// A chunk read's limit and the buffer to decode into.
pub(super) struct ChunkRead {
    expected: usize,
    buffer: Vec<u8>,
}

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
        Ok(self.call_reading(method, params, None).await?.root)
    }

    /// `DownloadFileChunk`: the chunk's base64 text is decoded as it arrives, into at most `expected` bytes of
    /// `buffer` (emptied first; its allocation is reused).
    pub async fn read_chunk(
        &self,
        params: &[(&str, &str)],
        expected: usize,
        buffer: Vec<u8>,
    ) -> Result<ChunkAnswer, ProviderError> {
        self.call_reading(
            Method::DownloadFileChunk,
            params,
            Some(ChunkRead { expected, buffer }),
        )
        .await
    }

    async fn call_reading(
        &self,
        method: Method,
        params: &[(&str, &str)],
        mut chunk: Option<ChunkRead>,
    ) -> Result<ChunkAnswer, ProviderError> {
        let ticket = self.current_ticket().await?;
        match self.call_with(method, &ticket, params, &mut chunk).await? {
            Ok(answer) => return Ok(answer),
            Err(message) => {
                tracing::debug!(
                    method = method.name(),
                    "ticket refused ({message}); logging in again"
                );
            }
        }
        let ticket = self.renew(&ticket).await?;
        match self.call_with(method, &ticket, params, &mut chunk).await? {
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
        chunk: &mut Option<ChunkRead>,
    ) -> Result<Result<ChunkAnswer, String>, ProviderError> {
        let mut form = Vec::with_capacity(params.len() + 1);
        form.push(("AuthenticationTicket", ticket.expose()));
        form.extend_from_slice(params);
        match self.post(method, &form, chunk).await? {
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
        let answer = match self
            .post(Method::AuthenticateUser, &form, &mut None)
            .await?
        {
            Ok(answer) => answer.root,
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

    /// One POST with the HTTP form binding; the answer is parsed and checked for `success`. With `chunk`, a
    /// successful answer's text is decoded as it arrives (see [`streamed`]).
    async fn post(
        &self,
        method: Method,
        form: &[(&str, &str)],
        chunk: &mut Option<ChunkRead>,
    ) -> Result<Result<ChunkAnswer, Refusal>, ProviderError> {
        let url = format!("{}/{}", self.endpoint, method.name());
        tracing::debug!(url = %url, "POST");
        // Through `redirects::send`: the form carries the password or the ticket, never to another origin.
        let response = docket_core::redirects::send(self.http.post(&url).form(form)).await?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let body = http::read_text(response).await.unwrap_or_default();
            return Err(http::status_error(status, &headers, http::excerpt(&body)));
        }
        // The buffer goes to the first answer read; a retried call (after a new login) starts a fresh one.
        let answer = match chunk.take() {
            Some(ChunkRead { expected, buffer }) => {
                streamed::read(response, expected, buffer).await?
            }
            None => ChunkAnswer {
                root: Element::parse(&http::read_text(response).await?)?,
                bytes: None,
            },
        };
        let bytes = answer.bytes;
        Ok(check(method, answer.root).map(|root| ChunkAnswer { root, bytes }))
    }
}
