//! The staff service: port personnel, their certifications and shifts,
//! and their assignment to the tasks of port calls.
//!
//! [`domain`] holds the types and the assignment rules (double booking,
//! certifications, shifts, rest); [`store`] keeps everything on PostgreSQL
//! or SQLite with versions and idempotency keys; [`service`] holds the
//! operations; [`grpc`] and [`http`] translate them; [`events`] consumes
//! the routes service's port-call events and opens the tasks an
//! approaching call needs.

pub mod domain;
pub mod events;
pub mod grpc;
pub mod http;
pub mod scopes;
pub mod service;
pub mod store;

use porttrack_platform::{
    Endpoints,
    db::connect_and_migrate,
    service::{Context, DomainService, ServiceError},
};

use crate::{service::Staff, store::Store};

/// The staff service, for running alone or inside `porttrack up`.
#[derive(Debug)]
pub struct StaffService;

impl DomainService for StaffService {
    const NAME: &'static str = "staff";

    /// Also makes sure the port-call topic exists and starts its consumer.
    async fn build(cx: Context<'_>) -> Result<Endpoints, ServiceError> {
        let pool = connect_and_migrate(&cx.database_url, &store::MIGRATOR).await?;
        events::ensure_topics(cx.bus).await?;
        let staff = Staff::new(Store::new(pool));
        let consumer =
            events::port_call_loop(cx.bus.clone(), staff.clone(), cx.lifecycle.draining());
        cx.lifecycle.spawn("staff-port-calls", consumer);
        Ok(Endpoints::new(http::router(staff.clone()))
            .with_openapi(http::openapi())
            .with_grpc(grpc::StaffGrpc::new(staff), grpc::SCOPES))
    }
}
