//! The staff store, each scenario written once and run against both
//! databases: SQLite in a temporary directory and a fresh PostgreSQL
//! database. Expected values are written out here.
//!
//! The scenarios are grouped by the behaviour they cover, one module each
//! under `store/`; `store/fixtures.rs` holds what they share beyond
//! `support`.

mod support;

/// Runs each named scenario as one test per database.
macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let url = porttrack_testkit::servers::sqlite_in(&dir);
                    super::$scenario(crate::support::store(&url).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let url = porttrack_testkit::servers::fresh_postgres().await;
                    super::$scenario(crate::support::store(&url).await).await;
                }
            )*
        }
    };
}

#[path = "store/assignments.rs"]
mod assignments;
#[path = "store/fixtures.rs"]
mod fixtures;
#[path = "store/people.rs"]
mod people;
#[path = "store/queries.rs"]
mod queries;
#[path = "store/schedule.rs"]
mod schedule;
