//! A small W3C WebDriver client: just the endpoints the suite uses.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Session {
    http: reqwest::Client,
    base: String,
    id: String,
}

#[derive(Clone)]
pub struct Element {
    id: String,
}

impl Session {
    /// Opens a session that launches `application` through tauri-driver at `driver_url`.
    pub async fn launch(driver_url: &str, application: &str) -> Result<Session, String> {
        let http = reqwest::Client::new();
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": { "application": application }
                }
            }
        });
        let answer = post(&http, &format!("{driver_url}/session"), &capabilities).await?;
        let id = answer["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no sessionId in {answer}"))?
            .to_owned();
        Ok(Session {
            http,
            base: format!("{driver_url}/session/{id}"),
            id,
        })
    }

    pub async fn title(&self) -> Result<String, String> {
        let value = get(&self.http, &format!("{}/title", self.base)).await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Waits up to `timeout` for a CSS selector to match, then returns the first match.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element, String> {
        let started = Instant::now();
        loop {
            match self.find_all(css).await?.into_iter().next() {
                Some(element) => return Ok(element),
                None if started.elapsed() > timeout => {
                    return Err(format!("nothing matched `{css}` within {timeout:?}"))
                }
                None => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>, String> {
        let body = json!({ "using": "css selector", "value": css });
        let value = post(&self.http, &format!("{}/elements", self.base), &body).await?;
        let found = value
            .as_array()
            .ok_or_else(|| format!("elements answer is not a list: {value}"))?
            .iter()
            .filter_map(|item| item[ELEMENT_KEY].as_str())
            .map(|id| Element { id: id.to_owned() })
            .collect();
        Ok(found)
    }

    pub async fn click(&self, element: &Element) -> Result<(), String> {
        let url = format!("{}/element/{}/click", self.base, element.id);
        post(&self.http, &url, &json!({})).await.map(|_| ())
    }

    pub async fn text(&self, element: &Element) -> Result<String, String> {
        let url = format!("{}/element/{}/text", self.base, element.id);
        let value = get(&self.http, &url).await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Types `keys` into an element (W3C key codes such as `\u{E007}` for Enter work too).
    pub async fn send_keys(&self, element: &Element, keys: &str) -> Result<(), String> {
        let url = format!("{}/element/{}/value", self.base, element.id);
        post(&self.http, &url, &json!({ "text": keys }))
            .await
            .map(|_| ())
    }

    pub async fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>, String> {
        let url = format!("{}/element/{}/attribute/{name}", self.base, element.id);
        let value = get(&self.http, &url).await?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Runs a script in the page and returns its value (for reading state the suite asserts on).
    pub async fn execute(&self, script: &str) -> Result<Value, String> {
        let url = format!("{}/execute/sync", self.base);
        post(&self.http, &url, &json!({ "script": script, "args": [] })).await
    }

    /// Runs a script that answers through its last argument, a callback, and returns what it was called with.
    pub async fn execute_async(&self, script: &str) -> Result<Value, String> {
        let url = format!("{}/execute/async", self.base);
        post(&self.http, &url, &json!({ "script": script, "args": [] })).await
    }

    /// Waits until `css` matches at least `count` elements, and returns them.
    pub async fn wait_for_count(
        &self,
        css: &str,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Element>, String> {
        let started = Instant::now();
        loop {
            let found = self.find_all(css).await?;
            if found.len() >= count {
                return Ok(found);
            }
            if started.elapsed() > timeout {
                return Err(format!(
                    "`{css}` matched {} elements, not {count}, within {timeout:?}",
                    found.len()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The window as PNG bytes.
    pub async fn screenshot(&self) -> Result<Vec<u8>, String> {
        use base64::Engine as _;
        let value = get(&self.http, &format!("{}/screenshot", self.base)).await?;
        let encoded = value.as_str().ok_or("screenshot answer is not a string")?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|err| format!("screenshot is not base64: {err}"))
    }

    pub async fn close(self) {
        let _ = self
            .http
            .delete(format!(
                "{}/{}",
                self.base.trim_end_matches(&self.id),
                self.id
            ))
            .send()
            .await;
    }
}

async fn post(http: &reqwest::Client, url: &str, body: &Value) -> Result<Value, String> {
    let response = http
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|err| format!("POST {url}: {err}"))?;
    unwrap_value(url, response).await
}

async fn get(http: &reqwest::Client, url: &str) -> Result<Value, String> {
    let response = http
        .get(url)
        .send()
        .await
        .map_err(|err| format!("GET {url}: {err}"))?;
    unwrap_value(url, response).await
}

async fn unwrap_value(url: &str, response: reqwest::Response) -> Result<Value, String> {
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .map_err(|err| format!("{url}: answer is not JSON: {err}"))?;
    if status.is_success() {
        Ok(body["value"].clone())
    } else {
        Err(format!("{url}: {status}: {}", body["value"]))
    }
}
