//! A PostgreSQL outage on demand: a TCP proxy in front of the test server that can be cut, so that
//! connections through it drop and new ones are refused, as when the server goes down.

use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, UnixStream};
use tokio::task::JoinHandle;

pub struct Proxy {
    pub addr: SocketAddr,
    target: Target,
    task: std::sync::Mutex<JoinHandle<()>>,
}

/// Where the server listens: TCP, or the Unix socket of a private cluster.
#[derive(Clone)]
enum Target {
    Tcp(String),
    Unix(String),
}

impl Proxy {
    /// A proxy to the server of `url` (a PostgreSQL URL, over TCP or a socket directory), and
    /// `url` through it.
    pub async fn start(url: &str) -> (Proxy, String) {
        let mut parsed = url::Url::parse(url).unwrap();
        let port = parsed.port().unwrap_or(5432);
        let socket_dir = parsed
            .query_pairs()
            .find(|(k, _)| k == "host")
            .map(|(_, v)| v.into_owned());
        let target = match socket_dir {
            Some(dir) => Target::Unix(format!("{dir}/.s.PGSQL.{port}")),
            None => Target::Tcp(format!("{}:{port}", parsed.host_str().unwrap())),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = forward(listener, target.clone());
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(k, _)| k != "host")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        parsed.set_query(None);
        for (k, v) in kept {
            parsed.query_pairs_mut().append_pair(&k, &v);
        }
        parsed.set_host(Some("127.0.0.1")).unwrap();
        parsed.set_port(Some(addr.port())).unwrap();
        let task = std::sync::Mutex::new(task);
        (Proxy { addr, target, task }, parsed.to_string())
    }

    /// The outage: open connections drop (their tasks go with the accept loop's), new ones are
    /// refused.
    pub fn cut(&self) {
        self.task.lock().unwrap().abort();
    }

    /// The server is back, at the same address.
    pub async fn restore(&self) {
        let listener = TcpListener::bind(self.addr).await.unwrap();
        *self.task.lock().unwrap() = forward(listener, self.target.clone());
    }
}

/// Accepts connections and links each to the target until aborted (which ends the links too).
fn forward(listener: TcpListener, target: Target) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut links = tokio::task::JoinSet::new();
        while let Ok((inbound, _)) = listener.accept().await {
            let target = target.clone();
            links.spawn(async move {
                match target {
                    Target::Tcp(a) => {
                        if let Ok(outbound) = TcpStream::connect(a).await {
                            link(inbound, outbound).await;
                        }
                    }
                    Target::Unix(path) => {
                        if let Ok(outbound) = UnixStream::connect(path).await {
                            link(inbound, outbound).await;
                        }
                    }
                }
            });
        }
    })
}

async fn link(
    mut a: impl AsyncRead + AsyncWrite + Unpin,
    mut b: impl AsyncRead + AsyncWrite + Unpin,
) {
    let _ = tokio::io::copy_bidirectional(&mut a, &mut b).await;
}
