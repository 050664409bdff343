//! The load generator of `suyuan bench serve`: HTTP/1.1 keep-alive connections, each a
//! client that waits for its answer before sending the next request, all driven by a
//! small tokio runtime so that the clients cost the shared cores as little as possible.

use anyhow::{bail, Context};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::time::Instant;

/// One client: a keep-alive connection to the server.
pub struct Client {
    sender: SendRequest<Full<Bytes>>,
    host: String,
}

/// An answer: its status and whole body.
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Answer {
    pub fn contains(&self, needle: &str) -> bool {
        memchr::memmem::find(&self.body, needle.as_bytes()).is_some()
    }
}

impl Client {
    /// Connects to `base` (`http://host:port`).
    pub async fn connect(base: &str) -> anyhow::Result<Client> {
        let host = base
            .strip_prefix("http://")
            .context("the load generator speaks plain http:// only")?
            .trim_end_matches('/')
            .to_string();
        let stream = tokio::net::TcpStream::connect(&host)
            .await
            .with_context(|| format!("connecting to {host}"))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP handshake")?;
        tokio::spawn(connection);
        Ok(Client { sender, host })
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<Answer> {
        self.send("GET", path, Bytes::new()).await
    }

    pub async fn post_json(&mut self, path: &str, body: Bytes) -> anyhow::Result<Answer> {
        self.send("POST", path, body).await
    }

    async fn send(&mut self, method: &str, path: &str, body: Bytes) -> anyhow::Result<Answer> {
        self.sender.ready().await.context("connection closed")?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, &self.host);
        if !body.is_empty() {
            request = request.header(hyper::header::CONTENT_TYPE, "application/json");
        }
        let response = self
            .sender
            .send_request(request.body(Full::new(body))?)
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer { status, body })
    }
}

/// Runs `clients` clients against `base` on a runtime of `threads` workers; client `c`
/// runs `work(c, client)` to completion. Returns each client's result, in order.
pub fn run_clients<T, F, Fut>(
    base: &str,
    clients: usize,
    threads: usize,
    work: F,
) -> anyhow::Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize, Client) -> Fut,
    Fut: Future<Output = anyhow::Result<T>> + Send + 'static,
{
    let runtime = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_io()
            .build()?
    };
    runtime.block_on(async {
        let mut tasks = Vec::with_capacity(clients);
        for c in 0..clients {
            let client = Client::connect(base).await?;
            tasks.push(tokio::spawn(work(c, client)));
        }
        let mut out = Vec::with_capacity(clients);
        for t in tasks {
            out.push(t.await.context("client task")??);
        }
        Ok(out)
    })
}

/// Milliseconds since `start`.
pub fn elapsed_ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Fails unless the answer is a success.
pub fn expect_ok(what: &str, answer: &Answer) -> anyhow::Result<()> {
    if !(200..300).contains(&answer.status) {
        bail!(
            "{what}: HTTP {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body[..answer.body.len().min(400)])
        );
    }
    Ok(())
}
