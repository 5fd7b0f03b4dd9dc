//! The ASMX HTTP GET and POST bindings: parameters from the query string or from a form body, matched ignoring
//! case as ASP.NET does, and ASP.NET's own 500 answers for malformed requests.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// A form body larger than this is refused; every method here takes a few short parameters.
const MAX_FORM: usize = 64 * 1024;

/// A response that ends a call before its method answers (ASP.NET refusals, infoRouter failures); boxed
/// because a response is large and travels through every `?`.
#[derive(Debug)]
pub(super) struct Refused(Box<Response>);

impl Refused {
    pub fn into_response(self) -> Response {
        *self.0
    }
}

impl From<Response> for Refused {
    fn from(response: Response) -> Refused {
        Refused(Box::new(response))
    }
}

/// The parameters of one call.
#[derive(Debug, Default)]
pub(super) struct Call {
    params: Vec<(String, String)>,
}

impl Call {
    /// Reads the query string of a GET or the form body of a POST. A POST whose `Content-Type` is not
    /// `application/x-www-form-urlencoded` is refused, as ASP.NET refuses it.
    pub async fn read(request: Request) -> Result<Call, Refused> {
        if request.method() == Method::GET {
            let query = request.uri().query().unwrap_or_default();
            return Ok(Call::parse(query.as_bytes()));
        }
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(server_error(&format!(
                "System.InvalidOperationException: Request format is invalid: {content_type}."
            )));
        }
        let body = to_bytes(request.into_body(), MAX_FORM)
            .await
            .map_err(|err| server_error(&format!("System.Web.HttpException: {err}")))?;
        Ok(Call::parse(&body))
    }

    fn parse(form: &[u8]) -> Call {
        Call {
            params: form_urlencoded::parse(form).into_owned().collect(),
        }
    }

    /// An optional parameter; absent and empty are the same.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }

    /// A parameter the method declares: ASP.NET fails the call before the method runs when it is absent (an
    /// empty value is present).
    pub fn required(&self, name: &str) -> Result<&str, Refused> {
        self.params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| {
                server_error(&format!(
                    "System.InvalidOperationException: Missing parameter: {name}.\r\n   at \
                     System.Web.Services.Protocols.ValueCollectionParameterReader.Read(NameValueCollection collection)"
                ))
            })
    }

    /// A declared `int` (`long` for offsets) parameter.
    pub fn number(&self, name: &str) -> Result<i64, Refused> {
        let text = self.required(name)?;
        text.trim().parse().map_err(|_| {
            server_error(&format!(
                "System.ArgumentException: Cannot convert {text} to System.Int32.\r\nParameter name: type ---> \
                 System.FormatException: Input string was not in a correct format."
            ))
        })
    }
}

/// ASP.NET's answer to a method name the service does not have.
pub(super) fn unknown_method(method: &str) -> Refused {
    server_error(&format!(
        "System.InvalidOperationException: Request format is unrecognized for URL unexpectedly ending in '/{method}'."
    ))
}

fn server_error(message: &str) -> Refused {
    let response = (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_owned(),
    )
        .into_response();
    Refused::from(response)
}
