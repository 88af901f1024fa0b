//! Criterion benches: one sample-year of the bundled base scenario (all
//! stages) and each stage alone (weather, outages + conversion, dispatch,
//! metrics), plus the floor of drawing the random numbers alone. The
//! figures are recorded in docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use rand::RngExt;
use rand_distr::StandardNormal;
use renewplan::model::scenario::{self, Source};
use renewplan::sim::engine::Study;
use renewplan::sim::metrics::{self, ProfileSums};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let model = scenario::load(&Source::embedded_default()).expect("bundled scenario");
    let study = Study::new(&model);
    let mut s = study.scratch();
    let mut prof = ProfileSums::new(model.hours());
    let mut row = Vec::new();
    let mut k = 0u64;
    c.bench_function("sample_year_base", |b| {
        b.iter(|| {
            k += 1;
            study.simulate(1, k, &mut s, &mut prof, &mut row);
            black_box(&row);
        })
    });
    let mut w = renewplan::sim::weather::Weather::default();
    c.bench_function("stage_weather", |b| {
        b.iter(|| {
            k += 1;
            study.weather.sample(&model, 1, k, &mut w);
            black_box(&w);
        })
    });
    c.bench_function("stage_prepare_weather_outages_conversion", |b| {
        b.iter(|| {
            k += 1;
            study.prepare(1, k, &mut s);
            black_box(&s.inputs);
        })
    });
    c.bench_function("stage_outages", |b| {
        b.iter(|| {
            k += 1;
            study.draw_outages(1, k, &mut s);
            black_box(&s.inputs);
        })
    });
    study.prepare(1, 7, &mut s);
    c.bench_function("stage_conversion", |b| {
        b.iter(|| {
            study.convert(&mut s);
            black_box(&s.inputs);
        })
    });
    let mut d = renewplan::sim::dispatch::Dispatcher::new(&model);
    c.bench_function("stage_dispatch", |b| {
        b.iter(|| {
            d.run(&model, &s.inputs, &mut s.hourly);
            black_box(&s.hourly);
        })
    });
    // The same dispatch without the one-zone specialisation (what it saves).
    let mut g = renewplan::sim::dispatch::Dispatcher::new(&model).general();
    c.bench_function("stage_dispatch_general", |b| {
        b.iter(|| {
            g.run(&model, &s.inputs, &mut s.hourly);
            black_box(&s.hourly);
        })
    });
    d.run(&model, &s.inputs, &mut s.hourly); // when the dispatch bench is filtered out
    c.bench_function("stage_metrics", |b| {
        b.iter(|| {
            metrics::record(&model, &s.inputs, &s.fleets, &s.hourly, &mut prof, &mut row);
            black_box(&row);
        })
    });
    // Floor: the normals the weather generator draws (3 per site-hour).
    let n = 3 * model.sites.len() * model.hours();
    c.bench_function("floor_normals_per_sample", |b| {
        b.iter(|| {
            k += 1;
            let mut r = renewplan::base::rng::stream(1, k, "bench", "floor");
            let mut acc = 0.0f64;
            for _ in 0..n {
                let x: f64 = r.sample(StandardNormal);
                acc += x;
            }
            black_box(acc)
        })
    });
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = benches
}
criterion_main!(engine);
