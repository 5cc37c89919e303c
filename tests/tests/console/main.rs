//! End-to-end tests of the web console: its session and forms over plain HTTP, and its pages
//! in a real browser. One binary, so it links once.

// Tests fail loudly on what they did not expect; the workspace bans these outside tests only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin;
mod appraisal;
mod browser;
mod cockpit;
mod groups;
mod http;
mod ledger;
mod organisation;
mod performance;
mod public;
mod receptions;
mod registers;
mod rounds;
mod townships;
mod upkeep;
mod walk_ins;

use std::collections::BTreeMap;

use liaison_tests::{TestApp, DEMO_PASSWORD};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::StatusCode;

/// The values of the options of select `name` in the first form of `html`.
pub fn options(html: &str, name: &str) -> Vec<String> {
    let start = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no select {name} in {html}"));
    let end = html[start..].find("</select>").unwrap() + start;
    html[start..end]
        .split("<option value=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .filter(|value| !value.is_empty())
        .collect()
}

/// A browser as far as HTTP goes: it keeps the cookies the console sets, and reads the pages
/// as text.
pub struct Visitor<'a> {
    pub app: &'a TestApp,
    pub cookies: BTreeMap<String, String>,
}

/// A page as it came: status, headers, the HTML.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub html: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The `Set-Cookie` line for cookie `name`, as sent.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|line| line.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self
            .html
            .find(marker)
            .unwrap_or_else(|| panic!("no csrf field in {}", self.html))
            + marker.len();
        let end = self.html[start..].find('"').unwrap() + start;
        self.html[start..end].to_owned()
    }
}

impl<'a> Visitor<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: BTreeMap::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let request = if self.cookies.is_empty() {
            request
        } else {
            request.header(reqwest::header::COOKIE, self.cookie_header())
        };
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for line in headers.get_all(SET_COOKIE).iter() {
            let line = line.to_str().unwrap();
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || line.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let html = response.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            html,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.app.client.get(self.app.url(path));
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.app.client.post(self.app.url(path)).form(form);
        self.send(request).await
    }

    /// Logs in through the login form with `phone` and `password`; answers the answer.
    pub async fn log_in_with(&mut self, phone: &str, password: &str, next: &str) -> Page {
        let form = self.get("/console/login").await;
        assert_eq!(form.status, 200, "{}", form.html);
        let csrf = form.csrf();
        self.post(
            "/console/login",
            &[
                ("csrf", &csrf),
                ("phone", phone),
                ("password", password),
                ("next", next),
            ],
        )
        .await
    }

    /// Logs in as `phone` with the demo password; panics unless it worked.
    pub async fn log_in(&mut self, phone: &str) {
        let page = self.log_in_with(phone, DEMO_PASSWORD, "/console").await;
        assert_eq!(page.status, 303, "{}", page.html);
        assert!(self.cookies.contains_key("liaison_console"));
    }
}
