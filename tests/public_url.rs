//! The public URL (README, docs/API.md): QR codes, linksets and page links name the URL
//! configured with `--public-url` (https included), or the address served — never a
//! client's Host header, which anyone can set.

mod common;

use common::SUYUAN;
use suyuan_testkit::cli::stderr;
use suyuan_testkit::http::Server;
use suyuan_testkit::scenario;

const UNIT: &str = "01/04719865001270/10/AL2604Q1/21/00001";

fn linkset_anchor(base: &str, host: Option<&str>) -> String {
    let mut request =
        ureq::get(&format!("{base}/{UNIT}")).set("Accept", "application/linkset+json");
    if let Some(host) = host {
        request = request.set("Host", host);
    }
    let body: serde_json::Value =
        serde_json::from_str(&request.call().unwrap().into_string().unwrap()).unwrap();
    body["linkset"][0]["anchor"].as_str().unwrap().to_string()
}

#[test]
fn links_name_the_configured_url_never_the_host_header() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, _) = scenario::seeded(SUYUAN, tmp.path());

    let public = ["--public-url", "https://trace.example.com/"];
    let server = Server::start_with(SUYUAN, &store, &public);
    let anchor = linkset_anchor(&server.base, Some("evil.example"));
    assert_eq!(anchor, format!("https://trace.example.com/{UNIT}"));
    let page = ureq::get(&server.url(&format!("/{UNIT}?lang=en")))
        .set("Host", "evil.example")
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        page.contains(&format!("https://trace.example.com/{UNIT}")),
        "the QR code's text names the public URL"
    );
    assert!(!page.contains("evil.example"));
    server.stop();

    // Without one: the address served, whatever the Host header says.
    let server = Server::start(SUYUAN, &store);
    let anchor = linkset_anchor(&server.base, Some("evil.example"));
    assert_eq!(anchor, format!("{}/{UNIT}", server.base));
    server.stop();

    // A malformed public URL is refused at start, named.
    let out = SUYUAN.run(&[
        "serve",
        "--data",
        store.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--public-url",
        "ftp://trace.example.com",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("must start with https:// or http://"),
        "{}",
        stderr(&out)
    );
}
