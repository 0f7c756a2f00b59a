//! `porttrack.ingest.v1.IngestService`: translation only; the work is in
//! [`crate::intake`].

use std::{
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use porttrack_platform::auth::MethodScopes;
use porttrack_proto::ingest::v1::{
    IngestSummary, NmeaLine, PositionInput,
    ingest_service_server::{IngestService, IngestServiceServer},
};
use tonic::{Request, Response, Status, Streaming};

use crate::{
    access::RateLimiter,
    batch::Batch,
    decoder::FeedDecoder,
    intake::{Intake, Origin, Transport},
    metrics as m, scopes,
};

#[derive(Debug, Clone)]
pub struct IngestGrpc {
    intake: Intake,
    queue_wait: Duration,
    decoder: porttrack_ais::DecoderConfig,
    limiter: Arc<RateLimiter>,
}

impl IngestGrpc {
    /// `limiter` is shared with the NMEA listeners: a client's rate is
    /// the same whichever way it sends.
    pub fn new(
        intake: Intake,
        queue_wait: Duration,
        decoder: porttrack_ais::DecoderConfig,
        limiter: Arc<RateLimiter>,
    ) -> Self {
        Self {
            intake,
            queue_wait,
            decoder,
            limiter,
        }
    }

    /// Waits while the client is over its rate; not reading its stream
    /// meanwhile lets HTTP/2 flow control slow the sender.
    async fn pace(&self, client: Option<IpAddr>) {
        let Some(ip) = client else { return };
        while let Err(wait) = self.limiter.take(ip, Instant::now()) {
            metrics::counter!(m::RATE_LIMITED, "transport" => "grpc").increment(1);
            tokio::time::sleep(wait).await;
        }
    }

    pub fn into_server(self) -> IngestServiceServer<Self> {
        IngestServiceServer::new(self)
    }
}

/// The scope each RPC needs (see `crate::scopes`).
pub const SCOPES: MethodScopes = &[
    ("StreamPositions", scopes::WRITE),
    ("StreamNmea", scopes::WRITE),
];

#[tonic::async_trait]
impl IngestService for IngestGrpc {
    async fn stream_positions(
        &self,
        request: Request<Streaming<PositionInput>>,
    ) -> Result<Response<IngestSummary>, Status> {
        let client = request.remote_addr().map(|a| a.ip());
        let mut stream = request.into_inner();
        let mut batch = Batch::default();
        while let Some(input) = stream.message().await? {
            self.pace(client).await;
            match self
                .intake
                .position(&input, Transport::Grpc, Some(self.queue_wait))
                .await
            {
                Ok(outcome) => batch.add(outcome).await,
                Err(err) => return Err(batch.abort(err).into()),
            }
        }
        Ok(Response::new(batch.finish(0).await?))
    }

    async fn stream_nmea(
        &self,
        request: Request<Streaming<NmeaLine>>,
    ) -> Result<Response<IngestSummary>, Status> {
        let client = request.remote_addr().map(|a| a.ip());
        let mut stream = request.into_inner();
        let mut batch = Batch::default();
        let mut decoder = FeedDecoder::new(self.decoder);
        while let Some(NmeaLine { line, source }) = stream.message().await? {
            self.pace(client).await;
            let origin = Origin {
                transport: Transport::Grpc,
                source: if source.is_empty() { "grpc" } else { &source },
                feed: Some(&source),
            };
            match self
                .intake
                .nmea_line(&mut decoder, &line, origin, Some(self.queue_wait))
                .await
            {
                Ok(outcome) => batch.add(outcome).await,
                Err(err) => return Err(batch.abort(err).into()),
            }
        }
        let pending = decoder.pending_fragments() as u64;
        Ok(Response::new(batch.finish(pending).await?))
    }
}
