//! NMEA 0183 over TCP (many line-oriented feeds) and UDP (datagrams of one
//! or more lines). A TCP feed that outpaces Kafka, or its own rate, is
//! slowed by not reading its socket; UDP cannot be slowed, so what does not
//! fit is dropped and counted. Sources outside the allow-list are refused
//! ([`crate::access`]).

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use porttrack_ais::DecoderConfig;
use tokio::{
    io::{AsyncBufRead, AsyncBufReadExt, BufReader},
    net::{TcpListener, TcpStream, UdpSocket},
    sync::Semaphore,
};
use tokio_util::sync::CancellationToken;

use crate::{
    access::{Admission, AllowList, RateLimiter},
    decoder::FeedDecoder,
    intake::{Intake, Origin, Outcome, Transport},
    metrics as m,
    publisher::PublishError,
};

/// Peers whose fragment state UDP keeps at once; past it, state is reset.
const MAX_UDP_PEERS: usize = 4096;

#[derive(Debug, Clone)]
pub struct NmeaConfig {
    pub max_connections: usize,
    pub max_line_bytes: usize,
    pub decoder: DecoderConfig,
    /// `None`: any source.
    pub allow: Option<AllowList>,
    /// A TCP feed silent this long is disconnected, so connections left
    /// open by vanished (or deliberately slow) clients free their slot.
    pub idle_timeout: Duration,
    pub limiter: Arc<RateLimiter>,
}

impl NmeaConfig {
    fn admit(&self, peer: SocketAddr) -> Admission {
        match &self.allow {
            None => Admission::Admitted(None),
            Some(list) => list.admit(peer.ip()),
        }
    }
}

pub async fn serve_tcp(
    listener: TcpListener,
    intake: Intake,
    config: NmeaConfig,
    drain: CancellationToken,
) -> Result<(), std::io::Error> {
    let slots = Arc::new(Semaphore::new(config.max_connections));
    loop {
        let permit = tokio::select! {
            () = drain.cancelled() => return Ok(()),
            permit = slots.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
        };
        let (stream, peer) = tokio::select! {
            () = drain.cancelled() => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // Out of file descriptors and the like: wait, don't spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Admission::Admitted(feed) = config.admit(peer) else {
            metrics::counter!(m::SOURCES_REFUSED, "transport" => "tcp").increment(1);
            tracing::info!(%peer, "NMEA connection refused: source not in PORTTRACK_NMEA_ALLOW");
            continue;
        };
        let (intake, config, drain) = (intake.clone(), config.clone(), drain.clone());
        tokio::spawn(async move {
            metrics::gauge!(m::CONNECTIONS).increment(1.0);
            let served = serve_connection(stream, peer, feed.as_deref(), &intake, &config, &drain);
            if let Err(err) = served.await {
                tracing::info!(%peer, error = %err, "NMEA connection closed");
            }
            metrics::gauge!(m::CONNECTIONS).decrement(1.0);
            drop(permit);
        });
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    feed: Option<&str>,
    intake: &Intake,
    config: &NmeaConfig,
    drain: &CancellationToken,
) -> Result<(), std::io::Error> {
    let source = format!("tcp:{}", peer.ip());
    let origin = Origin {
        transport: Transport::Tcp,
        source: &source,
        feed,
    };
    let mut reader = BufReader::new(stream);
    let mut decoder = FeedDecoder::new(config.decoder);
    let mut buf = Vec::with_capacity(256);
    loop {
        let read = tokio::select! {
            () = drain.cancelled() => return Ok(()),
            read = tokio::time::timeout(
                config.idle_timeout,
                next_line(&mut reader, &mut buf, config.max_line_bytes),
            ) => match read {
                Ok(read) => read?,
                Err(_) => {
                    tracing::info!(%peer, "NMEA connection idle; closed");
                    return Ok(());
                }
            },
        };
        let line = match read {
            None => return Ok(()),
            Some(Line::TooLong) => "<line longer than the limit>".to_owned(),
            Some(Line::Complete) => String::from_utf8_lossy(&buf).into_owned(),
        };
        if line.trim().is_empty() {
            continue;
        }
        // Over its rate, a feed waits: its socket is not read meanwhile,
        // so TCP flow control slows the sender and nothing is lost.
        while let Err(wait) = config.limiter.take(peer.ip(), Instant::now()) {
            metrics::counter!(m::RATE_LIMITED, "transport" => "tcp").increment(1);
            tokio::select! {
                () = drain.cancelled() => return Ok(()),
                () = tokio::time::sleep(wait) => {}
            }
        }
        match intake.nmea_line(&mut decoder, &line, origin, None).await {
            Ok(outcome) => confirm_in_background(outcome),
            Err(err) => return Err(std::io::Error::other(err)),
        }
    }
}

pub async fn serve_udp(
    socket: UdpSocket,
    intake: Intake,
    config: NmeaConfig,
    drain: CancellationToken,
) -> Result<(), std::io::Error> {
    let mut decoders: HashMap<SocketAddr, FeedDecoder> = HashMap::new();
    let mut buf = vec![0u8; 65_536];
    loop {
        let (len, peer) = tokio::select! {
            () = drain.cancelled() => return Ok(()),
            received = socket.recv_from(&mut buf) => received?,
        };
        let Admission::Admitted(feed) = config.admit(peer) else {
            metrics::counter!(m::SOURCES_REFUSED, "transport" => "udp").increment(1);
            continue;
        };
        if decoders.len() >= MAX_UDP_PEERS && !decoders.contains_key(&peer) {
            decoders.clear();
        }
        let decoder = decoders
            .entry(peer)
            .or_insert_with(|| FeedDecoder::new(config.decoder));
        let source = format!("udp:{}", peer.ip());
        let origin = Origin {
            transport: Transport::Udp,
            source: &source,
            feed: feed.as_deref(),
        };
        let text = String::from_utf8_lossy(&buf[..len]);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if config.limiter.take(peer.ip(), Instant::now()).is_err() {
                metrics::counter!(m::RATE_LIMITED, "transport" => "udp").increment(1);
                continue;
            }
            match intake
                .nmea_line(decoder, line, origin, Some(Duration::ZERO))
                .await
            {
                Ok(outcome) => confirm_in_background(outcome),
                // Dropped: UDP cannot be slowed; the intake counted it.
                Err(PublishError::Full) => {}
                Err(err) => tracing::warn!(error = %err, "UDP line not queued"),
            }
        }
    }
}

/// Line feeds do not wait for acknowledgements (NMEA has none); failures
/// are counted by the publisher and logged here.
fn confirm_in_background(outcome: Outcome) {
    for queued in outcome.queued {
        tokio::spawn(async move {
            if let Err(err) = queued.confirmed().await {
                tracing::warn!(error = %err, "event not stored in Kafka");
            }
        });
    }
}

enum Line {
    Complete,
    TooLong,
}

/// Reads one `\n`-terminated line into `buf` without ever holding more than
/// `max` bytes of it; a longer line is consumed and reported as too long.
async fn next_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<Line>> {
    buf.clear();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(match (buf.is_empty(), too_long) {
                (true, false) => None,
                (_, true) => Some(Line::TooLong),
                (false, false) => Some(Line::Complete),
            });
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if buf.len() + take > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&available[..take]);
            }
        }
        reader.consume(take);
        if done {
            return Ok(Some(if too_long {
                Line::TooLong
            } else {
                Line::Complete
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8], max: usize) -> Vec<String> {
        let mut reader = BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = next_line(&mut reader, &mut buf, max).await.unwrap() {
            out.push(match line {
                Line::TooLong => "TOO LONG".to_owned(),
                Line::Complete => String::from_utf8_lossy(&buf).into_owned(),
            });
        }
        out
    }

    #[tokio::test]
    async fn splits_lines_across_buffer_boundaries() {
        assert_eq!(
            lines(b"abc\ndefgh\nij", 100).await,
            ["abc\n", "defgh\n", "ij"]
        );
    }

    #[tokio::test]
    async fn overlong_lines_are_reported_and_the_next_line_survives() {
        assert_eq!(
            lines(b"0123456789abcdef\nok\n", 8).await,
            ["TOO LONG", "ok\n"]
        );
    }
}
