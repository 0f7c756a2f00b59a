//! The path every input takes, whatever its transport: decode, validate,
//! count, queue for Kafka, and send refusals to the dead-letter topic.

use std::time::Duration;

use porttrack_ais::Decoder;
use porttrack_platform::{time::now_ms, trace};
use porttrack_proto::ingest::v1::PositionInput;
use tracing::{Instrument as _, Span, field::Empty};

use crate::{
    domain::{self, Motion, Receipt, Rejection},
    metrics as m,
    publisher::{PublishError, Publisher, Queued},
};

/// Transport names, also the `transport` label of metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
    Grpc,
    Http,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Grpc => "grpc",
            Self::Http => "http",
        }
    }
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
}

impl Intake {
    pub fn new(publisher: Publisher) -> Self {
        Self { publisher }
    }

    /// One NMEA line. `wait` bounds the wait for room in the produce queue.
    /// When tracing is on, the line is the root of its report's trace (or a
    /// child of the gRPC/HTTP call that carried it).
    pub async fn nmea_line(
        &self,
        decoder: &mut Decoder,
        line: &str,
        transport: Transport,
        source: &str,
        wait: Option<Duration>,
    ) -> Result<Outcome, PublishError> {
        let span = receive_span(transport, source);
        self.nmea_line_in_span(decoder, line, transport, source, wait)
            .instrument(span)
            .await
    }

    async fn nmea_line_in_span(
        &self,
        decoder: &mut Decoder,
        line: &str,
        transport: Transport,
        source: &str,
        wait: Option<Duration>,
    ) -> Result<Outcome, PublishError> {
        metrics::counter!(m::RECEIVED, "transport" => transport.as_str()).increment(1);
        let received_at_ms = now_ms();
        let decode_span = decode_span();
        let pushed = decode_span.in_scope(|| decoder.push_line(line, received_at_ms.max(0) as u64));
        let decoded = match pushed {
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
        let receipt = Receipt {
            received_at_ms,
            source: decoded.meta.source.as_deref().unwrap_or(source),
        };
        match domain::from_ais(&decoded, receipt) {
            Ok(events) if events.is_empty() => {
                let msg_type = decoded.message.msg_type().to_string();
                metrics::counter!(m::SKIPPED, "msg_type" => msg_type).increment(1);
                Ok(Outcome::default())
            }
            Ok(events) => {
                let mut queued = Vec::with_capacity(events.len());
                for event in &events {
                    queued.push(self.publisher.queue(event, wait).await?);
                }
                Ok(Outcome {
                    queued,
                    rejection: None,
                })
            }
            Err(rejection) => Ok(self.refuse(transport, source, line, rejection)),
        }
    }

    /// One structured position report (gRPC or REST).
    pub async fn position(
        &self,
        input: &PositionInput,
        transport: Transport,
        wait: Option<Duration>,
    ) -> Result<Outcome, PublishError> {
        metrics::counter!(m::RECEIVED, "transport" => transport.as_str()).increment(1);
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
                    .publisher
                    .queue(&domain::Accepted::Position(event), wait)
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
        metrics::counter!(m::REJECTED, "transport" => transport.as_str(), "reason" => rejection.reason)
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
        porttrack.transport = transport.as_str(),
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
