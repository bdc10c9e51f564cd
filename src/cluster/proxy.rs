//! A loopback TCP proxy that breaks the connection to one shard process on
//! purpose, the way a network and a crashing machine do: the fault layer
//! the cluster's tests and bench drive. It sits in front of a replica, and
//! the coordinator talks to the proxy's address instead.
//!
//! A fault applies to each request as it passes (a chunk from the client
//! that starts with an HTTP method), so a kept-alive connection meets it
//! too.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use kit::sync::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the proxy does to what passes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyFault {
    /// Passes everything on.
    Pass,
    /// Holds every `one_in`-th request for `delay` before passing it on.
    Delay { delay: Duration, one_in: u64 },
    /// Takes requests and never answers: a machine that hangs.
    Hang,
    /// Resets every connection as it comes.
    Reset,
    /// Answers every request with bytes that are not HTTP.
    Garbage,
    /// Passes every `one_in`-th request on, and resets the connection when
    /// its answer comes back: the work is done and the answer lost.
    LoseAnswer { one_in: u64 },
}

/// A running proxy; stops when dropped.
#[derive(Debug)]
pub struct Proxy {
    pub address: SocketAddr,
    fault: Arc<Mutex<ProxyFault>>,
    requests: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl Proxy {
    /// Listens on 127.0.0.1 (a free port) and forwards to `target`. Must be
    /// called on a tokio runtime.
    pub async fn start(target: SocketAddr) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the proxy")?;
        let address = listener.local_addr().context("the proxy's address")?;
        let fault = Arc::new(Mutex::new(ProxyFault::Pass));
        let requests = Arc::new(AtomicU64::new(0));
        let (shared_fault, counted) = (Arc::clone(&fault), Arc::clone(&requests));
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let (fault, requests) = (Arc::clone(&shared_fault), Arc::clone(&counted));
                connections.spawn(async move {
                    let _ = relay(client, target, fault, requests).await;
                });
                // Collect the finished, so a long run does not keep them.
                while connections.try_join_next().is_some() {}
            }
        });
        Ok(Self {
            address,
            fault,
            requests,
            task,
        })
    }

    /// A proxy in front of each of `addresses` (`http://127.0.0.1:PORT`,
    /// by shard and replica), and the addresses that reach the proxies.
    pub async fn in_front_of(
        addresses: &[Vec<String>],
    ) -> Result<(Vec<Vec<Proxy>>, Vec<Vec<String>>)> {
        let mut proxies = Vec::new();
        for shard in addresses {
            let mut row = Vec::new();
            for address in shard {
                let target: SocketAddr = (address.trim_start_matches("http://").parse())
                    .with_context(|| format!("not an address: {address}"))?;
                row.push(Proxy::start(target).await?);
            }
            proxies.push(row);
        }
        let through = (proxies.iter())
            .map(|row: &Vec<Proxy>| {
                row.iter()
                    .map(|p| format!("http://{}", p.address))
                    .collect()
            })
            .collect();
        Ok((proxies, through))
    }

    pub fn set(&self, fault: ProxyFault) {
        *self.fault.lock() = fault;
    }

    /// Requests seen so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for Proxy {
    /// Aborting the accept loop drops its `JoinSet`, which aborts every
    /// connection's task: nothing of the proxy runs on.
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How a connection's relay ended.
enum End {
    Closed,
    Reset,
    Garbage,
}

async fn relay(
    mut client: TcpStream,
    target: SocketAddr,
    fault: Arc<Mutex<ProxyFault>>,
    requests: Arc<AtomicU64>,
) -> Result<()> {
    let end = if *fault.lock() == ProxyFault::Reset {
        End::Reset
    } else {
        let mut server = TcpStream::connect(target).await?;
        let (mut from_server, mut to_server) = server.split();
        let (mut from_client, mut to_client) = client.split();
        // Set by the way in, read by the way out: lose this answer.
        let lose = std::sync::atomic::AtomicBool::new(false);
        let upstream = async {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                let n = from_client.read(&mut buffer).await?;
                if n == 0 {
                    to_server.shutdown().await?;
                    return Ok::<End, std::io::Error>(End::Closed);
                }
                let chunk = &buffer[..n];
                if !(chunk.starts_with(b"POST ") || chunk.starts_with(b"GET ")) {
                    // The rest of a request already let through.
                    to_server.write_all(chunk).await?;
                    continue;
                }
                let count = requests.fetch_add(1, Ordering::Relaxed);
                let now = *fault.lock();
                match now {
                    ProxyFault::Pass => {}
                    ProxyFault::Delay { delay, one_in } => {
                        if count % one_in.max(1) == one_in.max(1) - 1 {
                            tokio::time::sleep(delay).await;
                        }
                    }
                    ProxyFault::Hang => std::future::pending::<()>().await,
                    ProxyFault::Reset => return Ok(End::Reset),
                    ProxyFault::Garbage => return Ok(End::Garbage),
                    ProxyFault::LoseAnswer { one_in } => {
                        if count % one_in.max(1) == one_in.max(1) - 1 {
                            lose.store(true, Ordering::Relaxed);
                        }
                    }
                }
                to_server.write_all(&buffer[..n]).await?;
            }
        };
        let downstream = async {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                let n = from_server.read(&mut buffer).await?;
                if n == 0 {
                    return Ok::<End, std::io::Error>(End::Closed);
                }
                if lose.load(Ordering::Relaxed) {
                    return Ok(End::Reset);
                }
                to_client.write_all(&buffer[..n]).await?;
            }
        };
        tokio::select! {
            end = upstream => end?,
            end = downstream => end?,
        }
    };
    match end {
        End::Closed => {}
        // Linger 0: closing sends RST, not FIN.
        End::Reset => client.set_zero_linger()?,
        // Bytes no HTTP client can read, then the end.
        End::Garbage => {
            client
                .write_all(b"\x16\x03\x01 not HTTP at all\r\n\r\n")
                .await?
        }
    }
    Ok(())
}
