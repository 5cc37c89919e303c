//! A real browser for the console's tests: headless Chromium from Debian's packages, driven
//! over WebDriver by a chromedriver this harness starts on a free port.
//!
//! Without Chromium the browser tests print that they were skipped, as the PostgreSQL runs
//! do; `LIAISON_TEST_REQUIRE_BROWSER=1` makes a missing browser a failure, so CI cannot pass
//! without it. `LIAISON_TEST_CHROMIUM` and `LIAISON_TEST_CHROMEDRIVER` name other binaries.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;
use tokio::process::{Child, Command};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Browsers alive at once: each is a handful of processes, and the machine may have two cores.
static SLOTS: Semaphore = Semaphore::const_new(2);

/// The widths every page is photographed at: a desktop, and a phone.
pub const WIDTHS: [u32; 2] = [1280, 390];

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
    _slot: SemaphorePermit<'static>,
}

fn binary(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Where screenshots go: `target/console-shots/` of the target directory in use.
pub fn shots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    target.join("console-shots")
}

impl Browser {
    /// A fresh headless Chromium with its own profile, or `None` (a skip) without one.
    pub async fn start() -> Option<Browser> {
        let chromium = binary("LIAISON_TEST_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = binary("LIAISON_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        if !chromium.exists() || !chromedriver.exists() {
            let missing = format!(
                "{} or {} is missing (apt-get install chromium chromium-driver fonts-noto-cjk)",
                chromium.display(),
                chromedriver.display()
            );
            if std::env::var_os("LIAISON_TEST_REQUIRE_BROWSER").is_some() {
                panic!("LIAISON_TEST_REQUIRE_BROWSER is set but {missing}");
            }
            eprintln!("browser test skipped: {missing}");
            return None;
        }
        let slot = SLOTS
            .acquire()
            .await
            .unwrap_or_else(|e| panic!("browser slots closed: {e}"));
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let url = format!("http://127.0.0.1:{port}");
        wait_for_driver(&url).await;
        let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    // Tests run as root in CI, where Chromium's sandbox cannot start.
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--lang=zh-CN",
                    format!("--user-data-dir={}", profile.path().display()),
                    "--window-size=1280,1000",
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("the capabilities are an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("chromedriver did not open a session: {e}"));
        Some(Browser {
            client,
            driver,
            _profile: profile,
            _slot: slot,
        })
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The text of the first element `css` selects.
    pub async fn text(&self, css: &str) -> String {
        let path = self.path().await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on {path}: {e}"))
            .text()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    }

    /// The first element `css` selects.
    async fn element(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
    }

    /// Types `value` into the field `css` selects, replacing what it held.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.element(css).await;
        field.clear().await.unwrap_or_else(|e| panic!("{e}"));
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Waits (up to 10 s) until `css` selects something on the page as it stands: for what
    /// a page's script brings without a reload.
    pub async fn wait_for(&self, css: &str) {
        let path = self.path().await;
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on {path} within 10 s: {e}"));
    }

    /// Chooses the option of value `value` in the `<select>` `css` selects.
    pub async fn select(&self, css: &str, value: &str) {
        self.element(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("no option {value} in {css}: {e}"));
    }

    /// Sets the value of the field `css` selects as a picker would: typing into a date field
    /// depends on the browser's locale, the value does not.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.run(
            "document.querySelector(arguments[0]).value = arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await;
    }

    /// Runs `script` in the page with `args` (its `arguments`), as a test's own hand.
    pub async fn run(&self, script: &str, args: Vec<serde_json::Value>) {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    }

    /// The attribute `name` of the first element `css` selects.
    pub async fn attr(&self, css: &str, name: &str) -> String {
        self.element(css)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{css} has no {name}"))
    }

    pub async fn value(&self, css: &str) -> String {
        self.element(css)
            .await
            .prop("value")
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_default()
    }

    /// Ticks or unticks the checkbox `css` selects: a click that leads to no other page.
    pub async fn tick(&self, css: &str) {
        self.element(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot tick {css}: {e}"));
    }

    /// Clicks `css`, a link or a form's button, and waits (up to 10 s) for the page it leads
    /// to. The page clicked on is gone once its document no longer answers: its `body` alone
    /// would be found at once, before the next page came, and the test would read the old one.
    pub async fn click(&self, css: &str) {
        let path = self.path().await;
        let page = self
            .client
            .find(Locator::Css("html"))
            .await
            .unwrap_or_else(|e| panic!("no page at {path}: {e}"));
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on {path}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match page.tag_name().await {
                // Stale, or, while the next page is still loading, chromedriver's "node does not
                // belong to the document": either way the page clicked on is gone.
                Err(_) => break,
                Ok(_) if Instant::now() > deadline => {
                    panic!("clicking {css} on {path} led to no page within 10 s")
                }
                Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        self.client
            .wait()
            .for_element(Locator::Css("body"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// The path and query of the page shown.
    pub async fn path(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            },
            Err(e) => format!("(no url: {e})"),
        }
    }

    /// Screenshots of the page at every width, named `{name}-{width}.png`.
    pub async fn shoot(&self, name: &str) {
        let dir = shots_dir();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for width in WIDTHS {
            self.client
                .set_window_size(width, 1000)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let png = self
                .client
                .screenshot()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let path = dir.join(format!("{name}-{width}.png"));
            std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        self.client
            .set_window_size(WIDTHS[0], 1000)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Ends the browser and its driver.
    pub async fn close(mut self) {
        drop(self.client.close().await);
        drop(self.driver.kill().await);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

async fn wait_for_driver(url: &str) {
    let started = Instant::now();
    let status = format!("{url}/status");
    while started.elapsed() < Duration::from_secs(20) {
        if reqwest::get(&status)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer on {url} within 20 s");
}
