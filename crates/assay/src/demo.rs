//! `assay demo`: writes the generated demo MSP into the database.

use crate::Ctx;
use crate::output::progress;
use anyhow::{Result, bail};
use assay_core::records::RecordKind;
use assay_ingest::demo::{DemoOptions, Size, generate};
use assay_store::{ImportMode, NewOrg, Scope};
use clap::Args;

/// Create a demo MSP (the provider plus clients, about 80 assets a client,
/// six months of tickets, changes, backups, scans and reviews) with varied,
/// realistic gaps. The same seed always gives the same data.
#[derive(Args)]
pub struct DemoArgs {
    /// Seed for the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of client organisations.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u64).range(1..=5000))]
    clients: u64,
}

pub fn run(ctx: &Ctx, a: DemoArgs) -> Result<()> {
    if !ctx.store.list_orgs(&Scope::All)?.is_empty() {
        bail!("the database already holds organisations; use a fresh --database-url for the demo");
    }
    let orgs = generate(&DemoOptions {
        seed: a.seed,
        clients: a.clients as usize,
        size: Size::Demo,
        now: ctx.now,
    });
    let bar = progress(orgs.len() as u64, "loading");
    let mut rows_total = 0;
    for d in &orgs {
        let o = &d.org;
        let created = ctx.store.create_org(
            &ctx.actor,
            NewOrg {
                slug: o.slug.clone(),
                name: o.name.clone(),
                kind: o.kind,
                tier: o.tier.clone(),
                contracted_endpoints: o.contracted_endpoints,
            },
        )?;
        for (param, value) in &d.overrides {
            ctx.store
                .set_override(&ctx.actor, &Scope::All, created.id, param, Some(*value))?;
        }
        for kind in RecordKind::ALL {
            let rows = d.data.rows(*kind);
            if !rows.is_empty() {
                rows_total += ctx.store.import_rows(
                    &ctx.actor,
                    &Scope::All,
                    created.id,
                    *kind,
                    &rows,
                    ImportMode::Insert,
                )?;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "created {} organisations with {rows_total} records (seed {})",
        orgs.len(),
        a.seed
    );
    for d in &orgs {
        println!(
            "  {:<28} {:<8} {:<28} {}",
            d.org.slug,
            d.org.kind,
            d.org.tier.clone().unwrap_or_default(),
            d.profile
        );
    }
    println!("\nnext: assay evaluate");
    Ok(())
}
