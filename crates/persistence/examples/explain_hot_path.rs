//! Shows how the database runs the portal's hot path (`GET /appointments`, first page) for one
//! portal user, and how fast the SQL alone is:
//!
//! ```text
//! cargo run --release -p ordinavo-persistence --example explain_hot_path -- \
//!     <database url> <portal user email> [seconds] [concurrency]
//! ```
//!
//! Prints the plan (PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`, SQLite `EXPLAIN QUERY PLAN`) of
//! the exact SQL text the server runs, then runs `appointments::portal_list` (limit 50) in a
//! loop on `concurrency` tasks for `seconds` and prints queries per second. Used by
//! `bench/run.sh`; never part of the test suite. With `PRINT_SQL=1` it prints the SQL text too.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use ordinavo_domain::ids::PortalUserId;
use ordinavo_persistence::appointments::{self, ListCaller, PortalFilter};
use ordinavo_persistence::page::Limit;
use ordinavo_persistence::portal_scope::SessionKey;
use ordinavo_persistence::sessions::{self, NewSession};
use ordinavo_persistence::{ConnectOptions, Db, portal_users, time};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(email)) = (args.next(), args.next()) else {
        return Err(
            "usage: explain_hot_path <database url> <portal user email> [seconds] [concurrency]"
                .into(),
        );
    };
    let seconds: u64 = args.next().map_or(Ok(5), |s| s.parse())?;
    let concurrency: usize = args.next().map_or(Ok(8), |s| s.parse())?;
    let db = Db::connect(
        &url,
        &ConnectOptions {
            create_if_missing: false,
            ..ConnectOptions::default()
        },
    )
    .await?;
    let found = portal_users::find_by_email(db.exec(), &email).await?;
    let user: PortalUserId = found.id;
    // A session of its own, as a sign-in would make, revoked at the end.
    let session = sessions::insert(
        db.exec(),
        &NewSession {
            portal_user_id: user,
            family_id: None,
            refresh_hash: &format!("explain-hot-path-{}", uuid::Uuid::new_v4()),
            expires_at: time::now() + chrono::Duration::hours(1),
            user_agent: Some("explain_hot_path"),
            created_ip: None,
        },
    )
    .await?;
    let caller = ListCaller::Session(SessionKey {
        user,
        session: session.id,
        token_version: found.token_version,
    });
    let limit = Limit::new(Some(50));

    if std::env::var_os("PRINT_SQL").is_some() {
        println!("{}", appointments::portal_list_sql(db.backend(), &caller));
    }
    println!("== plan of the hot path ({:?})", db.backend());
    for line in appointments::explain_portal_list(db.exec(), caller, limit, true).await? {
        println!("{line}");
    }

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut done = 0_u64;
            let mut rows = 0_usize;
            while Instant::now() < deadline {
                let page = appointments::portal_list(
                    db.exec(),
                    caller,
                    &PortalFilter::default(),
                    None,
                    limit,
                )
                .await?
                .ok_or_else(|| {
                    ordinavo_persistence::StoreError::Other("the session was refused".into())
                })?;
                rows = page.page.items.len();
                done += 1;
            }
            Ok::<_, ordinavo_persistence::StoreError>((done, rows))
        }));
    }
    let mut total = 0;
    let mut rows = 0;
    for task in tasks {
        let (done, r) = task.await??;
        total += done;
        rows = r;
    }
    sessions::revoke_family(db.exec(), session.family_id).await?;
    #[allow(clippy::cast_precision_loss)]
    let per_second = total as f64 / seconds as f64;
    println!(
        "== SQL alone: {per_second:.0} queries/s over {concurrency} connections for {seconds} s \
         ({rows} rows per page)"
    );
    Ok(())
}
