//! The path every input takes, whatever its transport: decode, drop
//! copies, validate, count, queue for Kafka, and send refusals to the
//! dead-letter topic.

use std::{sync::Arc, time::Duration};

use porttrack_platform::{time::now_ms, trace};
use porttrack_proto::ingest::v1::PositionInput;
use tracing::{Instrument as _, Span, field::Empty};

use crate::{
    decoder::FeedDecoder,
    dedup::DedupWindow,
    domain::{self, Motion, Receipt, Rejection},
    feed, metrics as m,
    publisher::{PublishError, Publisher, Queued},
};

/// How an input arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
    Grpc,
    Http,
}

impl Transport {
    /// As dead-letter records name it (`porttrack.events.v1.RejectedInput`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Grpc => "grpc",
            Self::Http => "http",
        }
    }

    /// The `transport` label of metrics, as dashboards name the APIs.
    pub fn label(self) -> &'static str {
        match self {
            Self::Http => "rest",
            other => other.as_str(),
        }
    }
}

/// Where one NMEA line came from.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub transport: Transport,
    /// For dead letters and events: e.g. `tcp:10.0.0.7`. Never a label.
    pub source: &'a str,
    /// The feed name the transport declares (gRPC's `NmeaLine.source`);
    /// a tag block's `s:` takes precedence.
    pub feed: Option<&'a str>,
}

/// What one input became.
#[derive(Debug, Default)]
pub struct Outcome {
    pub queued: Vec<Queued>,
    pub rejection: Option<Rejection>,
}

#[derive(Debug, Clone)]
pub struct Intake {
    publisher: Publisher,
    dedup: Arc<DedupWindow>,
}

impl Intake {
    /// `dedup_window`: how long an accepted message's copies are dropped
    /// (zero: never).
    pub fn new(publisher: Publisher, dedup_window: Duration) -> Self {
        let window_ms = dedup_window.as_millis().try_into().unwrap_or(u64::MAX);
        Self {
            publisher,
            dedup: Arc::new(DedupWindow::new(window_ms, crate::dedup::MAX_ENTRIES)),
        }
    }

    /// One NMEA line. `wait` bounds the wait for room in the produce queue.
    /// When tracing is on, the line is the root of its report's trace (or a
    /// child of the gRPC/HTTP call that carried it).
    pub async fn nmea_line(
        &self,
        decoder: &mut FeedDecoder,
        line: &str,
        origin: Origin<'_>,
        wait: Option<Duration>,
    ) -> Result<Outcome, PublishError> {
        let span = receive_span(origin.transport, origin.source);
        self.nmea_line_in_span(decoder, line, origin, wait)
            .instrument(span)
            .await
    }

    async fn nmea_line_in_span(
        &self,
        decoder: &mut FeedDecoder,
        line: &str,
        origin: Origin<'_>,
        wait: Option<Duration>,
    ) -> Result<Outcome, PublishError> {
        let Origin {
            transport, source, ..
        } = origin;
        let feed = feed::label(feed::tag_block_source(line).or(origin.feed));
        metrics::counter!(m::RECEIVED, "transport" => transport.label(), "feed" => feed)
            .increment(1);
        let received_at_ms = now_ms();
        let now = received_at_ms.max(0) as u64;
        let decode_span = decode_span();
        let decoded = match decode_span.in_scope(|| decoder.push_line(line, now)) {
            Ok(Some(decoded)) => {
                decode_span.record("ais.message_type", decoded.message.msg_type());
                decoded
            }
            Ok(None) => return Ok(Outcome::default()),
            Err(reject) => {
                let rejection = Rejection::new(reject.reason(), "line", reject.to_string());
                return Ok(self.refuse(transport, source, line, rejection));
            }
        };
        let msg_type = m::msg_type_label(decoded.message.msg_type());
        metrics::counter!(m::DECODED, "msg_type" => msg_type).increment(1);
        let fingerprint = crate::dedup::fingerprint(&decoded.message);
        if !self.dedup.claim(fingerprint, now) {
            metrics::counter!(m::DUPLICATES).increment(1);
            return Ok(Outcome::default());
        }
        let receipt = Receipt {
            received_at_ms,
            source: decoded.meta.source.as_deref().unwrap_or(source),
        };
        match domain::from_ais(&decoded, receipt) {
            Ok(events) if events.is_empty() => {
                metrics::counter!(m::SKIPPED, "msg_type" => msg_type).increment(1);
                Ok(Outcome::default())
            }
            Ok(events) => {
                let mut queued = Vec::with_capacity(events.len());
                for event in &events {
                    match self.queue(event, transport, wait).await {
                        Ok(q) => queued.push(q),
                        Err(err) => {
                            self.dedup.release(fingerprint);
                            return Err(err);
                        }
                    }
                }
                Ok(Outcome {
                    queued,
                    rejection: None,
                })
            }
            Err(rejection) => Ok(self.refuse(transport, source, line, rejection)),
        }
    }

    /// Queues `event`, counting a full queue as back-pressure on `transport`.
    async fn queue(
        &self,
        event: &domain::Accepted,
        transport: Transport,
        wait: Option<Duration>,
    ) -> Result<Queued, PublishError> {
        let queued = self.publisher.queue(event, wait).await;
        if let Err(PublishError::Full) = &queued {
            metrics::counter!(m::BACKPRESSURE, "transport" => transport.label()).increment(1);
        }
        queued
    }

    /// One structured position report (gRPC or REST).
    pub async fn position(
        &self,
        input: &PositionInput,
        transport: Transport,
        wait: Option<Duration>,
    ) -> Result<Outcome, PublishError> {
        let feed = feed::label(Some(&input.source));
        metrics::counter!(m::RECEIVED, "transport" => transport.label(), "feed" => feed)
            .increment(1);
        let received_at_ms = now_ms();
        let observed = if input.timestamp_ms == 0 {
            received_at_ms
        } else {
            input.timestamp_ms
        };
        let motion = Motion {
            lat: Some(input.lat),
            lon: Some(input.lon),
            sog_knots: input.sog_knots,
            cog_deg: input.cog_deg,
            heading_deg: input.heading_deg,
            nav_status: input.nav_status,
            rate_of_turn: None,
        };
        let receipt = Receipt {
            received_at_ms,
            source: &input.source,
        };
        match domain::position(input.mmsi, motion, observed, 0, receipt) {
            Ok(event) => {
                let queued = self
                    .queue(&domain::Accepted::Position(event), transport, wait)
                    .await?;
                Ok(Outcome {
                    queued: vec![queued],
                    rejection: None,
                })
            }
            Err(rejection) => {
                let raw = format!("{input:?}");
                Ok(self.refuse(transport, &input.source, &raw, rejection))
            }
        }
    }

    fn refuse(
        &self,
        transport: Transport,
        source: &str,
        raw: &str,
        rejection: Rejection,
    ) -> Outcome {
        metrics::counter!(m::REJECTED, "transport" => transport.label(), "reason" => rejection.reason)
            .increment(1);
        self.publisher.dead_letter(
            transport.as_str(),
            source,
            raw,
            rejection.reason,
            &rejection.description,
        );
        Outcome {
            queued: Vec::new(),
            rejection: Some(rejection),
        }
    }
}

/// A line arriving from a feed: the first span of a report's trace.
fn receive_span(transport: Transport, source: &str) -> Span {
    if !trace::enabled() {
        return Span::none();
    }
    tracing::info_span!(
        "receive",
        otel.name = "receive nmea",
        otel.kind = "internal",
        porttrack.transport = transport.label(),
        ais.source = source,
    )
}

/// Sentence parsing, reassembly and message decoding of one line.
fn decode_span() -> Span {
    if !trace::enabled() {
        return Span::none();
    }
    tracing::info_span!(
        "decode",
        otel.name = "decode ais",
        otel.kind = "internal",
        ais.message_type = Empty,
    )
}
