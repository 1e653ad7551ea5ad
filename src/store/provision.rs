//! Creating databases: the app's own on a private cluster, and a fresh one per test cloned from a
//! migrated template.

use anyhow::Context;
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};

use super::MIGRATOR;

/// Creates `name` on the server if it does not exist yet.
pub async fn ensure_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect(admin_url)
        .await
        .context("connecting to the server")?;
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS "exists!""#,
        name
    )
    .fetch_one(&mut admin)
    .await?;
    if !exists {
        // Built at run time: the database is named in the statement.
        sqlx::query(&format!("CREATE DATABASE {}", quote(name)))
            .execute(&mut admin)
            .await?;
    }
    Ok(())
}

/// Creates the fresh, migrated database `name`, cloned from a template that is migrated once per
/// set of migrations. Safe when several test processes do it at once.
pub async fn create_migrated_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect(admin_url)
        .await
        .context("connecting to the server")?;
    let template = template_name();
    sqlx::query!("SELECT pg_advisory_lock(7231001)")
        .execute(&mut admin)
        .await?;
    let result = async {
        let exists = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS "exists!""#,
            template
        )
        .fetch_one(&mut admin)
        .await?;
        if !exists {
            // Built at run time, as are the statements below: they name databases.
            sqlx::query(&format!("CREATE DATABASE {}", quote(&template)))
                .execute(&mut admin)
                .await?;
            let url = with_database(admin_url, &template)?;
            let mut conn = PgConnection::connect(&url).await?;
            MIGRATOR
                .run(&mut conn)
                .await
                .context("migrating the template database")?;
            conn.close().await?;
        }
        sqlx::query(&format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote(name),
            quote(&template)
        ))
        .execute(&mut admin)
        .await?;
        anyhow::Ok(())
    }
    .await;
    sqlx::query_scalar!("SELECT pg_advisory_unlock(7231001)")
        .fetch_one(&mut admin)
        .await?;
    result
}

/// Drops the `{prefix}{pid}_…` databases of test processes that are no longer running here.
pub async fn drop_abandoned_databases(admin_url: &str, prefix: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect(admin_url).await?;
    let names = sqlx::query_scalar!(
        r#"SELECT datname::text AS "datname!" FROM pg_database WHERE starts_with(datname, $1)"#,
        prefix
    )
    .fetch_all(&mut admin)
    .await?;
    for name in names {
        let pid = name[prefix.len()..].split('_').next().unwrap_or("");
        if !pid.is_empty() && !std::path::Path::new("/proc").join(pid).exists() {
            // Built at run time: the database is named in the statement.
            sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote(&name)
            ))
            .execute(&mut admin)
            .await?;
        }
    }
    Ok(())
}

/// Drops a database made by [`create_migrated_database`].
pub async fn drop_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect(admin_url).await?;
    // Built at run time: the database is named in the statement.
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote(name)
    ))
    .execute(&mut admin)
    .await?;
    Ok(())
}

/// The URL of another database on the same server.
pub fn with_database(url: &str, database: &str) -> anyhow::Result<String> {
    let (before_query, query) = url
        .split_once('?')
        .map(|(a, b)| (a, Some(b)))
        .unwrap_or((url, None));
    let scheme_end = before_query.find("://").context("not a URL")? + 3;
    let path_start = before_query[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(before_query.len());
    let mut out = format!("{}/{database}", &before_query[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

/// One template per set of migrations, so a changed migration never reuses a stale template.
fn template_name() -> String {
    let mut hash = Sha256::new();
    for m in MIGRATOR.iter() {
        hash.update(&m.checksum);
    }
    let digest = hash.finalize();
    format!(
        "danvan_template_{}",
        digest[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_database_on_the_same_server() {
        assert_eq!(
            with_database("postgres://u:p@h:5/a?sslmode=x", "b").unwrap(),
            "postgres://u:p@h:5/b?sslmode=x"
        );
        assert_eq!(
            with_database("postgres://h", "b").unwrap(),
            "postgres://h/b"
        );
        assert_eq!(
            with_database("postgres://postgres@localhost/danvan?host=/tmp/x", "t1").unwrap(),
            "postgres://postgres@localhost/t1?host=/tmp/x"
        );
    }
}
