//! A slow or half-open client cannot hold the server: connections that do not finish
//! their headers in time are closed, a request whose body trickles is answered 408, and
//! clients beyond the connection limit wait in the backlog and are served as soon as the
//! stalled ones are cut off.

mod common;

use common::SUYUAN;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use suyuan_testkit::http::{get, Server};
use suyuan_testkit::scenario;

/// Whether the server has closed `conn` (a read returns end of file or a reset) within
/// `within`.
fn closed_within(conn: &mut TcpStream, within: Duration) -> bool {
    conn.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match conn.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a 408 or similar before the close
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn stalled_clients_are_cut_off_and_cannot_exhaust_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, _) = scenario::seeded(SUYUAN, tmp.path());
    let server = Server::start_with(
        SUYUAN,
        &store,
        &[
            "--max-connections",
            "8",
            "--header-timeout",
            "1",
            "--request-timeout",
            "2",
        ],
    );
    let addr = server.base.trim_start_matches("http://").to_string();

    // Twice the connection limit of clients that never finish their headers.
    let mut stalled: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut c = TcpStream::connect(&addr).unwrap();
            c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            c
        })
        .collect();
    // A real client behind them is served once the stalled ones are cut off: within a
    // few header timeouts, not never.
    let started = Instant::now();
    let r = get(&server.url("/healthz"), "application/json");
    assert_eq!(r.status, 200);
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(10), "served after {waited:?}");
    // Every stalled connection is closed by the server.
    for (i, c) in stalled.iter_mut().enumerate() {
        assert!(
            closed_within(c, Duration::from_secs(5)),
            "stalled connection {i} still open"
        );
    }

    // A body that trickles: headers in time, then a byte a second, is answered 408.
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.write_all(
        b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
    )
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    slow.set_read_timeout(Some(Duration::from_millis(900)))
        .unwrap();
    while started.elapsed() < Duration::from_secs(8) {
        if slow.write_all(b" ").is_err() {
            break;
        }
        let mut buf = [0u8; 512];
        match slow.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
        if !answer.is_empty() {
            break;
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 408"),
        "trickled body answered: {text:?}"
    );

    // The server is fine afterwards.
    assert_eq!(get(&server.url("/healthz"), "application/json").status, 200);
    let st = server.stop();
    assert!(st.success(), "{st:?}");
}

/// What one submission saw of a server that was told to stop.
#[derive(Debug)]
enum Seen {
    Answered(u16),
    /// Nothing listens any more: the connection was refused before a byte was sent.
    Refused,
    /// The request was sent and the connection died without an answer.
    Lost(String),
}

#[test]
fn sigterm_under_load_answers_every_request_then_exits_0() {
    use suyuan_testkit::world::World;
    let w = World::create(SUYUAN);
    let server = w.start();
    w.register_all(&server);
    let url = server.url("/v1/events");
    let seen = std::sync::Mutex::new(Vec::new());
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        for t in 0..12 {
            let (w, url, seen, stop) = (&w, &url, &seen, &stop);
            scope.spawn(move || {
                for i in 0.. {
                    let body = w.production(&format!("T{t}N{i}"), &format!("t{t}-{i}"));
                    // A connection per request: what a server in the middle of a drain
                    // does to each new request is what is measured.
                    let r = ureq::post(url)
                        .set("Content-Type", "application/json")
                        .set("Connection", "close")
                        .send_string(&body.to_string());
                    let s = match r {
                        Ok(r) => Seen::Answered(r.status()),
                        Err(ureq::Error::Status(code, _)) => Seen::Answered(code),
                        Err(ureq::Error::Transport(e))
                            if e.kind() == ureq::ErrorKind::ConnectionFailed =>
                        {
                            Seen::Refused
                        }
                        Err(e) => Seen::Lost(e.to_string()),
                    };
                    // A 503 says retry after 5 s; by then the server is gone.
                    let done = !matches!(s, Seen::Answered(200));
                    seen.lock().unwrap().push(s);
                    if done || (stop.load(std::sync::atomic::Ordering::SeqCst) && i > 10_000) {
                        break;
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_millis(1500));
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let st = server.stop();
        assert!(st.success(), "serve exits 0 on SIGTERM: {st:?}");
    });
    let seen = seen.into_inner().unwrap();
    let lost: Vec<&str> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Lost(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    assert!(lost.is_empty(), "requests lost in the drain: {lost:?}");
    let ok = seen
        .iter()
        .filter(|s| matches!(s, Seen::Answered(200)))
        .count();
    let other: Vec<&Seen> = seen
        .iter()
        .filter(|s| matches!(s, Seen::Answered(c) if *c != 200 && *c != 503))
        .collect();
    assert!(other.is_empty(), "{other:?}");
    assert!(ok > 12, "only {ok} submissions before the stop");
    // Every acknowledged submission is in the log, which audits clean.
    let reader = suyuan_store::Reader::open_dir(&w.dir).unwrap();
    let stored = suyuan_core::storage::LogReader::by_type(&reader, "production").unwrap();
    assert_eq!(
        stored.len(),
        ok,
        "acknowledged {ok}, stored {}",
        stored.len()
    );
    drop(reader);
    assert!(w.verify().starts_with("OK"));
}
