//! NMEA feeds: a TCP connection per worker (reconnecting when the server
//! drops it), and UDP datagrams. Neither answers, so a position counts as
//! accepted once the socket took it; the end-to-end latency and the
//! reconciliation say what became of it.

use std::time::Duration;

use tokio::{
    io::AsyncWriteExt,
    net::{TcpStream, UdpSocket},
    sync::mpsc,
};

use super::{Context, Job, next_batch};
use crate::{ledger::State, stats::Stats};

/// Jobs written per flush at most.
const TCP_BATCH: usize = 512;

pub async fn tcp(ctx: Context, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut conn: Option<TcpStream> = None;
    let mut buf = Vec::with_capacity(64 * 1024);
    while let Some(jobs) = next_batch(&mut rx, TCP_BATCH).await {
        buf.clear();
        for job in &jobs {
            for line in &job.lines {
                buf.extend_from_slice(line.as_bytes());
                buf.extend_from_slice(b"\r\n");
            }
        }
        let written = match conn.as_mut() {
            Some(c) => c.write_all(&buf).await.is_ok(),
            None => false,
        };
        let written = written || {
            conn = connect(&ctx).await;
            match conn.as_mut() {
                Some(c) => c.write_all(&buf).await.is_ok(),
                None => false,
            }
        };
        if !written {
            ctx.stats.error("tcp_write");
            conn = None;
        }
        account(&ctx, &jobs, written);
    }
    if let Some(mut c) = conn {
        let _ = c.shutdown().await;
    }
}

async fn connect(ctx: &Context) -> Option<TcpStream> {
    for _ in 0..20 {
        match TcpStream::connect(ctx.target.nmea).await {
            Ok(c) => {
                let _ = c.set_nodelay(true);
                return Some(c);
            }
            Err(_) => {
                ctx.stats.error("tcp_connect");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    None
}

pub async fn udp(ctx: Context, mut rx: mpsc::UnboundedReceiver<Job>) {
    let socket = match UdpSocket::bind("127.0.0.1:0").await {
        Ok(s) => s,
        Err(_) => {
            ctx.stats.error("udp_bind");
            return;
        }
    };
    while let Some(job) = rx.recv().await {
        // One datagram per report: a multi-sentence message arrives whole.
        let datagram = job.lines.join("\r\n") + "\r\n";
        let ok = socket
            .send_to(datagram.as_bytes(), ctx.target.nmea)
            .await
            .is_ok();
        if !ok {
            ctx.stats.error("udp_send");
        }
        account(&ctx, std::slice::from_ref(&job), ok);
    }
}

/// The socket took these jobs (or did not): count lines and settle positions.
fn account(ctx: &Context, jobs: &[Job], ok: bool) {
    let c = &ctx.stats.counters;
    let lines: usize = jobs.iter().map(|j| j.lines.len()).sum();
    Stats::add(&c.lines_sent, lines as u64);
    let state = if ok { State::Accepted } else { State::Failed };
    let keys: Vec<_> = jobs
        .iter()
        .filter_map(|j| j.fix.map(|(_, k)| (k, state)))
        .collect();
    let counter = if ok {
        &c.positions_accepted
    } else {
        &c.positions_failed
    };
    Stats::add(counter, keys.len() as u64);
    ctx.ledger.settle(keys);
}
