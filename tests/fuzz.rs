//! Mutation fuzzing of every input the program reads: no panics on any
//! input (issue 8, "No panics on any input").
//!
//! Each target starts from valid inputs — every `scenarios/*.toml`, two
//! synthetic scenarios that reference data and series files, the data
//! fixtures in `tests/data/` and a generated full year of renewables.ninja
//! weather — applies random mutations (lines deleted, duplicated, swapped or
//! inserted; numbers replaced by extreme values such as `nan`, `inf`,
//! `-1e308`, `-0` or the ends of i32/u32/i64; values changed to another
//! type; tables turned into arrays of tables; keys duplicated, renamed or
//! added, known and unknown; CSV fields replaced or dropped; the text
//! truncated at a random character boundary; random bytes and Unicode
//! inserted; line endings changed) and calls the parser or reader under
//! `catch_unwind`. Returning `Ok` or `Err` (with a non-empty message) passes;
//! a panic fails with the panic message and location, the mutations applied
//! and the changed lines of the mutated text, after proptest has shrunk the
//! case to a minimal list of mutations.
//!
//! Downstream of a successful parse the same inputs go one step further: a
//! scenario that resolves is simulated for one or two samples with its
//! horizon cut to at most 48 hours (one case in eleven: its own horizon, up
//! to a year), so zero capacities, zero circuits and extreme-but-valid
//! values must not panic the engine (nor fail its debug-build invariants);
//! a weather series that a reader accepts is replayed, resampled (seasonal
//! block bootstrap) and fitted (`fit-weather`), as a scenario or the CLI
//! would do with it.
//!
//! Environment:
//! - `RENEWPLAN_FUZZ_CASES=N`: cases per target (default: a short run of
//!   64–128 per target, about four seconds for the file in the dev profile);
//! - `RENEWPLAN_FUZZ_SEED=S`: a number for another fixed seed, or `random`
//!   (the default seed is fixed per target, so that CI is reproducible);
//! - `RENEWPLAN_FUZZ_KEEP_GOING=1`: record every panic site with a count and
//!   its first input instead of stopping at the first (long campaigns).
//!
//! The `bug_*` tests at the end hold the minimal inputs of the panics found
//! (now fixed) as regression tests. See `docs/fuzzing.md` for the long
//! campaign and its results.

use clap::{CommandFactory, Parser};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use renewplan::data::generic::{self, GenericSpec};
use renewplan::data::{DataError, TimeConvention, WeatherSeries, bootstrap, ninja, pvgis};
use renewplan::io::{outdir, shard};
use renewplan::model::Model;
use renewplan::model::scenario::{self, Source};
use renewplan::sim::engine::Study;
use renewplan::sim::metrics::ProfileSums;
use renewplan::study::fit;
use std::cell::{Cell, RefCell};
use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

// ------------------------------------------------------------ configuration

const CASES_VAR: &str = "RENEWPLAN_FUZZ_CASES";
const SEED_VAR: &str = "RENEWPLAN_FUZZ_SEED";
const KEEP_GOING_VAR: &str = "RENEWPLAN_FUZZ_KEEP_GOING";

/// `RENEWPLAN_FUZZ_KEEP_GOING=1`: record every panic site and go on (long
/// campaigns); otherwise stop at the first panic and shrink it.
fn keep_going() -> bool {
    std::env::var(KEEP_GOING_VAR).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Cases per target: `RENEWPLAN_FUZZ_CASES`, or the target's short default.
fn cases(default: u32) -> u32 {
    match std::env::var(CASES_VAR) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{CASES_VAR}={v:?} is not a number of cases")),
        Err(_) => default,
    }
}

/// Fixed per-target seed unless `RENEWPLAN_FUZZ_SEED` says otherwise.
fn seed(target: &str) -> RngSeed {
    // FNV-1a of the target name: each target draws its own cases.
    let h = target.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    match std::env::var(SEED_VAR) {
        Ok(v) if v.trim().eq_ignore_ascii_case("random") => RngSeed::Random,
        Ok(v) => RngSeed::Fixed(
            v.trim().parse::<u64>().unwrap_or_else(|_| panic!("{SEED_VAR}={v:?} is not a number or `random`")) ^ h,
        ),
        Err(_) => RngSeed::Fixed(h),
    }
}

// ------------------------------------------------------------ panic capture

thread_local! {
    /// Inside [`guarded`]: the panic hook records instead of printing.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Message and location of the last panic caught by [`guarded`].
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

/// Run `f`, turning a panic into `Err(message with location)`.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    LAST_PANIC.with(|p| p.borrow_mut().take());
    GUARDED.with(|g| g.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    r.map_err(|payload| {
        LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string panic payload)".into());
            format!("panicked (location unknown): {msg}")
        })
    })
}

// ------------------------------------------------------------------ inputs

/// A valid input to start from.
#[derive(Debug, Clone)]
struct Base {
    name: String,
    text: String,
}

/// Synthetic scenario that reaches the data paths: weather data files
/// (replay and resample), CSV load, capacity and outage series, per-step
/// outage probabilities, schedules, a custom power curve, correlations.
const DATA_SCENARIO: &str = r#"[scenario]
name = "fuzz-data"
study_year = 2030
horizon_h = 48

[run]
samples = 2
seed = 7

[dispatch]
surplus_priority = ["storage", "hydrogen", "export"]
deficit_priority = ["generators", "storage", "imports"]
storage_discharge_to_export = false

[economics]
discount_rate_pu = 0.08
project_life_years = 20

[[zone]]
name = "z"
latitude_deg = 45.0
longitude_deg = 8.0
elevation_m = 250
utc_offset_h = 1

[[zone]]
name = "z2"
latitude_deg = 37.885
longitude_deg = 105.403
utc_offset_h = 8

[[external_grid]]
name = "grid"
max_export_mw = 500
max_import_mw = { 2024 = 50, 2030 = 100 }

[[site]]
name = "tmy"
latitude_deg = 45.0
longitude_deg = 8.0
elevation_m = 250
data_file = "pvgis_tmy_45.000_8.000_2005_2020.csv"
data_format = "pvgis-tmy"
data_mode = "replay"

[[site]]
name = "ninja"
latitude_deg = 37.885
longitude_deg = 105.403
data_file = "ninja_weather_full_2019.csv"
data_format = "ninja"
data_mode = "resample"
block_days = 3
window_days = 10

[[site]]
name = "synthetic"
latitude_deg = 38.0
longitude_deg = 105.0
wind_mean_m_s = 7.0
dust_months = [4]

[[correlation]]
a = "tmy.wind"
b = "synthetic.wind"
rho = 0.3

[[correlation]]
a = "ninja.cloud"
b = "synthetic.temperature"
rho = -0.2

[[wind_fleet]]
name = "w"
zone = "z"
site = "tmy"
capacity_mw = 100
power_curve_m_s = [0, 3, 12, 25]
power_curve_pu = [0, 0, 1, 1]

[[wind_fleet]]
name = "w2"
zone = "z2"
site = "synthetic"
capacity_mw = { 2020 = 50, 2030 = 150 }
turbine = "generic-4mw-class"

[[solar_fleet]]
name = "pv"
zone = "z"
site = "tmy"
capacity_mwdc = 200
mounting = "single-axis"

[[solar_fleet]]
name = "pv2"
zone = "z2"
site = "ninja"
capacity_mwdc = { 2025 = 100, 2029 = 300 }

[[generator]]
name = "gas"
zone = "z"
capacity_mw = 50
capacity_csv = "series48.csv"
capacity_csv_column = "mw"
outage_csv = "series48.csv"

[[generator]]
name = "coal"
zone = "z2"
capacity_mw = 80
units = 2
failure_probability_per_h = 0.01
repair_probability_per_h = 0.1

[[storage]]
name = "bat"
zone = "z"
charge_mw = 20
discharge_mw = 25
energy_mwh = 80
outage_csv = "series48.csv"

[[electrolyser]]
name = "h2"
zone = "z2"
capacity_mw = 30
store_kg = 10000
offtake_kg_per_h = 100
failure_probability_per_h = 0.02
repair_probability_per_h = 0.2

[[load]]
name = "csv-load"
zone = "z"
csv = "series48.csv"
csv_column = "load_mw"

[[load]]
name = "flat"
zone = "z2"
mw = 40
firm = false

[[line]]
name = "l1"
from = "z"
to = "z2"
circuits = 2
circuit_mw = 100
capacity_by_circuits_up_mw = [0, 80, 150]
capacity_csv = "series48.csv"
outage_csv = "series48.csv"

[[line]]
name = "l2"
from = "z2"
to = "grid"
circuits = { 2024 = 1, 2030 = 3 }
circuit_mw = 100
forced_outage_rate_pu = 0.01
"#;

/// Synthetic scenario of odd but valid values: zero capacities, zero
/// circuits, empty priorities, range ends (latitudes ±90, offsets −12 and
/// +14, efficiencies 0.01 and 1, FOR 0.99), a leap study year.
const EDGE_SCENARIO: &str = r#"[scenario]
name = "fuzz-edges"
study_year = 2024
horizon_h = 48

[dispatch]
surplus_priority = []
deficit_priority = []

[economics]
discount_rate_pu = 0
project_life_years = 1

[[zone]]
name = "a"
latitude_deg = 90
longitude_deg = 180
elevation_m = 9000
utc_offset_h = 14

[[zone]]
name = "b"
latitude_deg = -90
longitude_deg = -180
elevation_m = -500
utc_offset_h = -12

[[external_grid]]
name = "grid"
max_export_mw = 0
max_import_mw = 0

[[site]]
name = "pole"
latitude_deg = 90
longitude_deg = 180
elevation_m = 9000
wind_mean_m_s = 30
wind_weibull_k = 5
wind_hourly_persistence = 0.999
clear_sky_index_monthly = [0.05, 0.99, 0.05, 0.99, 0.05, 0.99, 0.05, 0.99, 0.05, 0.99, 0.05, 0.99]
clear_sky_index_spread = 5
clear_sky_index_daily_share = 1
temperature_monthly_c = [-60, 50, -60, 50, -60, 50, -60, 50, -60, 50, -60, 50]
temperature_hourly_persistence = 0.9999
dust_days_per_year = 200
dust_months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
albedo_pu = 1

[[site]]
name = "south"
latitude_deg = -90
longitude_deg = -180
elevation_m = -500
wind_mean_m_s = 0.5
wind_weibull_k = 1
wind_hourly_persistence = 0
clear_sky_index_daily_share = 0
dust_months = []
albedo_pu = 0

[[correlation]]
a = "pole.wind"
b = "south.wind"
rho = 0.999

[[wind_fleet]]
name = "w0"
zone = "a"
site = "pole"
capacity_mw = 0

[[wind_fleet]]
name = "w-big"
zone = "b"
site = "south"
capacity_mw = 1000
unit_mw = 0.01
forced_outage_rate_pu = 0.99
mttr_h = 100000
losses_pu = 0.9

[[solar_fleet]]
name = "pv0"
zone = "a"
site = "pole"
capacity_mwdc = 0

[[solar_fleet]]
name = "pv-big"
zone = "b"
site = "south"
capacity_mwdc = 1000000
tilt_deg = 90
azimuth_deg = 360
dc_ac_ratio = 0.5
inverter_block_mwac = 1000
cleaning_interval_days = 1

[[solar_fleet]]
name = "pv-track"
zone = "a"
site = "pole"
capacity_mwdc = 1
inverter_block_mwac = 0.001
mounting = "single-axis"
tracker_max_angle_deg = 0
ground_coverage_ratio_pu = 0.99

[[generator]]
name = "g0"
zone = "a"
capacity_mw = 0
forced_outage_rate_pu = 0.99
mttr_h = 1

[[generator]]
name = "g1"
zone = "b"
capacity_mw = 1
units = 1000
failure_probability_per_h = 1
repair_probability_per_h = 1

[[storage]]
name = "s0"
zone = "a"
charge_mw = 0
energy_mwh = 0
round_trip_efficiency_pu = 0.01
soc_min_pu = 0
soc_max_pu = 1
initial_soc_pu = 1

[[storage]]
name = "s1"
zone = "b"
charge_mw = 1000000
discharge_mw = 0
energy_mwh = 100000000
round_trip_efficiency_pu = 1
soc_min_pu = 0.999
soc_max_pu = 1
self_discharge_pu_per_h = 0.5

[[electrolyser]]
name = "e0"
zone = "a"
capacity_mw = 0
min_load_pu = 1
store_kg = 0

[[electrolyser]]
name = "e1"
zone = "b"
capacity_mw = 1000000
min_load_pu = 0
consumption_kwh_per_kg = 39.4
store_kg = 1000000000000
initial_store_pu = 1
offtake_kg_per_h = 1000000000

[[load]]
name = "l0"
zone = "a"
mw = 0

[[load]]
name = "l-big"
zone = "b"
mw = 1000000
monthly_factor = [10, 0, 10, 0, 10, 0, 10, 0, 10, 0, 10, 0]
firm = false

[[line]]
name = "none"
from = "a"
to = "grid"
circuits = 0
circuit_mw = 0

[[line]]
name = "wide"
from = "b"
to = "a"
circuits = 100
circuit_mw = 1000000
loss_pu = 0.5
length_km = 10000
outages_per_100km_year = 1000
mttr_h = 1
"#;

/// Files of the synthetic scenarios' data directory besides the fixtures.
fn generated_files() -> Vec<(&'static str, String)> {
    let series = |f: &dyn Fn(usize) -> [f64; 4], n: usize| {
        let mut s = String::from("hour,mw,load_mw,failure_probability_per_h,repair_probability_per_h\n");
        for t in 0..n {
            let [a, b, c, d] = f(t);
            s.push_str(&format!("{t},{a},{b},{c},{d}\n"));
        }
        s
    };
    let normal = |t: usize| [50.0 + 10.0 * (t as f64 / 4.0).sin(), 30.0 + (t % 24) as f64, 0.01, 0.2];
    let extreme = |t: usize| match t % 3 {
        0 => [1e300, 1e300, 1.0, 0.0],
        1 => [0.0, 0.0, 0.0, 1.0],
        _ => [5e-324, 5e-324, 1.0, 1.0],
    };
    // A full year of renewables.ninja-style weather with GHI, temperature and
    // wind (the excerpt fixtures are too short to replay or resample).
    let mut ninja = String::from(
        "# Renewables.ninja Weather (hourly data, point) - synthetic, for fuzzing\n\
         # {\"params\": {\"lat\": 37.885, \"lon\": 105.403, \"height\": 100}}\n\
         time,local_time,swgdn,t2m,wind_speed\n",
    );
    let start = renewplan::base::calendar::unix_from_civil(2019, 1, 1, 0, 0, 0.0);
    for h in 0..8760 {
        let t = start + 3600.0 * h as f64;
        let l = renewplan::data::local_hour(t, 0.0);
        let day = std::f64::consts::PI * ((l.hour as f64 + 7.0) % 24.0 - 6.0) / 12.0;
        let ghi = (800.0 * day.sin()).max(0.0);
        let temp = 10.0 + 12.0 * (h as f64 / 8760.0 * std::f64::consts::TAU).sin() + 4.0 * day.sin();
        let wind = 6.0 + 3.0 * (h as f64 / 17.0).sin();
        ninja.push_str(&format!(
            "{:04}-{:02}-{:02} {:02}:00,,{ghi:.1},{temp:.2},{wind:.2}\n",
            l.year, l.month, l.day, l.hour
        ));
    }
    vec![
        ("series48.csv", series(&normal, 48)),
        ("series48_extreme.csv", series(&extreme, 48)),
        ("series24.csv", series(&normal, 24)),
        ("ninja_weather_full_2019.csv", ninja),
    ]
}

/// Everything a target needs: a data directory (the fixtures and generated
/// series, for scenarios that reference files), the base inputs and the
/// dictionaries that mutations draw names and tokens from.
struct World {
    dir: tempfile::TempDir,
    scenarios: Vec<Base>,
    fixtures: Vec<Base>,
    /// Quoted strings of the scenarios plus data file names (`"luanjingtan"`).
    toml_strings: Vec<String>,
    /// Keys: every field of the raw scenario structs and every key and table
    /// name used in the scenarios.
    toml_keys: Vec<String>,
    /// Distinct CSV fields of the fixtures (time stamps, numbers, names).
    csv_fields: Vec<String>,
}

fn read_dir_sorted(dir: &Path, ext: &str) -> Vec<Base> {
    let mut v: Vec<Base> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| Base {
            name: p.file_name().expect("file name").to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

impl World {
    fn new() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().expect("temp dir");
        let mut fixtures = read_dir_sorted(&root.join("tests/data"), "csv");
        assert!(fixtures.len() >= 6, "data fixtures in tests/data");
        for f in &fixtures {
            std::fs::write(dir.path().join(&f.name), &f.text).expect("copy fixture");
        }
        let generated = generated_files();
        for (name, text) in &generated {
            std::fs::write(dir.path().join(name), text).expect("write generated file");
        }
        // The generated files are bases too (a full year reaches resampling and fitting).
        fixtures.extend(generated.iter().map(|(name, text)| Base { name: name.to_string(), text: text.clone() }));
        let mut scenarios: Vec<Base> = read_dir_sorted(&root.join("scenarios"), "toml")
            .into_iter()
            .map(|b| Base { name: format!("scenarios/{}", b.name), ..b })
            .collect();
        assert!(!scenarios.is_empty(), "scenarios/*.toml");
        scenarios.push(Base { name: "fuzz-data.toml".into(), text: DATA_SCENARIO.into() });
        scenarios.push(Base { name: "fuzz-edges.toml".into(), text: EDGE_SCENARIO.into() });

        let mut toml_strings: Vec<String> = Vec::new();
        for s in &scenarios {
            let mut rest = s.text.as_str();
            while let Some(a) = rest.find('"') {
                let Some(b) = rest[a + 1..].find('"') else { break };
                let q = &rest[a..a + b + 2];
                if q.len() < 80 && !q.contains('\n') {
                    toml_strings.push(q.to_string());
                }
                rest = &rest[a + b + 2..];
            }
        }
        toml_strings.extend(fixtures.iter().map(|f| format!("{:?}", f.name)));
        toml_strings.extend(generated.iter().map(|(n, _)| format!("{n:?}")));
        toml_strings.sort();
        toml_strings.dedup();

        // Field names of the raw structs: new keys are fuzzed automatically.
        let raw = include_str!("../src/model/scenario/raw.rs");
        let mut toml_keys: Vec<String> = raw
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub ")?.split_once(':').map(|(k, _)| k.trim().to_string()))
            .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        for s in &scenarios {
            for l in s.text.lines() {
                let l = l.trim();
                if let Some((k, _)) = l.split_once('=')
                    && !l.starts_with('#')
                {
                    let k = k.trim();
                    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                        toml_keys.push(k.to_string());
                    }
                }
            }
        }
        toml_keys.sort();
        toml_keys.dedup();

        let mut csv_fields: Vec<String> = fixtures
            .iter()
            .flat_map(|f| f.text.lines().flat_map(|l| l.split(',').map(|x| x.trim().to_string())))
            .filter(|x| x.len() < 60)
            .collect();
        csv_fields.sort();
        csv_fields.dedup();
        World { dir, scenarios, fixtures, toml_strings, toml_keys, csv_fields }
    }

    fn fixture(&self, prefix: &str) -> &Base {
        self.fixtures.iter().find(|f| f.name.starts_with(prefix)).unwrap_or_else(|| panic!("fixture {prefix}*"))
    }
}

// ---------------------------------------------------------------- values

/// A position in a collection of any size, as a fraction of 2^64 (shrinks
/// toward the first element).
#[derive(Clone, Copy, Debug)]
struct Ix(u64);

impl Ix {
    /// Index into a collection of `n > 0` elements.
    fn index(self, n: usize) -> usize {
        assert!(n > 0, "index into an empty collection");
        ((n as u128 * u128::from(self.0)) >> 64) as usize
    }
}

fn ix() -> impl Strategy<Value = Ix> {
    any::<u64>().prop_map(Ix)
}

/// Numbers that break things: non-finite, signed zero, the ends of f64,
/// i32, u32, i64 and u64, range ends of the scenario keys and data checks,
/// and forms only some parsers accept.
const NUMBERS: &[&str] = &[
    "nan",
    "NaN",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "Infinity",
    "-1e308",
    "1e308",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "1e309",
    "5e-324",
    "1e-308",
    "-0",
    "-0.0",
    "0",
    "0.0",
    "1",
    "-1",
    "2",
    "0.5",
    "0.999999",
    "1.000001",
    "100",
    "1e6",
    "1e9",
    "1e12",
    "1e15",
    "1e100",
    "-1e100",
    "2147483647",
    "-2147483648",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999",
    "0x7fffffff",
    "0o777",
    "0b101",
    "1_000",
    "1e",
    ".5",
    "5.",
    "-",
    "1.2.3",
    "1e-7",
    "3600",
    "8760",
    "8784",
    "438000",
    "438001",
    "366",
    "24",
    "12",
    "13",
    "1900",
    "2200",
    "2201",
    "1899",
    "-12",
    "14",
    "90",
    "-90",
    "180",
    "-180",
    "360",
    "9000",
    "-500",
    "1500",
    "1500.1",
    "-10",
    "-10.1",
    "65",
    "-95",
    "75",
    "75.1",
    "273.15",
    "39.4",
    "0.99",
    "0.01",
];

/// Integer edges: of i32 (years), u32 (counts, hours), i64 and u64.
const INT_EDGES: &[&str] = &[
    "-2147483648",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "-1",
    "0",
    "9223372036854775807",
    "-9223372036854775808",
];

/// Numbers as the strategy draws them.
#[derive(Debug, Clone)]
enum Num {
    Lit(&'static str),
    F(f64),
    I(i64),
}

impl Num {
    fn render(&self) -> String {
        match self {
            Num::Lit(s) => s.to_string(),
            Num::F(x) if x.is_nan() => "nan".into(),
            Num::F(x) if x.is_infinite() => if *x > 0.0 { "inf" } else { "-inf" }.into(),
            Num::F(x) => format!("{x:?}"),
            Num::I(i) => i.to_string(),
        }
    }
}

fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        8 => select(NUMBERS).prop_map(Num::Lit),
        1 => any::<f64>().prop_map(Num::F),
        1 => any::<i64>().prop_map(Num::I),
        2 => (-1e3..1e3f64).prop_map(Num::F),
        1 => (0i64..100).prop_map(Num::I),
    ]
}

/// TOML values of every type, for a key's right-hand side.
const TOML_VALUES: &[&str] = &[
    "\"\"",
    "\" \"",
    "\"x\"",
    "\"5\"",
    "\"nan\"",
    "\"日本語\"",
    "\"🦀\"",
    "\"\\u0000\"",
    "\"a\\nb\"",
    "'literal'",
    "\"\"\"multi\nline\"\"\"",
    "\"../Cargo.toml\"",
    "\".\"",
    "\"missing.csv\"",
    "\"fixed\"",
    "\"single-axis\"",
    "\"replay\"",
    "\"resample\"",
    "\"pvgis-tmy\"",
    "\"pvgis-hourly\"",
    "\"ninja\"",
    "\"export\"",
    "\"hydrogen\"",
    "\"storage\"",
    "\"generators\"",
    "\"imports\"",
    "\"generic-6mw-class\"",
    "\"generic-4mw-class\"",
    "\"generic-8mw-lowwind\"",
    "\"mw\"",
    "\"load_mw\"",
    "true",
    "false",
    "[]",
    "[[]]",
    "[1, 2]",
    "[0]",
    "[nan]",
    "[inf, -inf]",
    "[1, \"a\"]",
    "[\"export\", \"export\"]",
    "[\"storage\"]",
    "[0, 0, 0]",
    "[3, 2, 1]",
    "[0, 1e6]",
    "[-1, 5]",
    "[13, 0, 4294967295]",
    "{}",
    "{ x = 1 }",
    "{ 2024 = 1 }",
    "{ 2030 = 0 }",
    "{ 2024 = nan, 2030 = 5 }",
    "{ -2147483648 = 1 }",
    "{ 2147483647 = 1 }",
    "{ 1900 = 0, 2200 = 1e6 }",
    "{ \"\" = 1 }",
    "{ 2024 = { 2025 = 1 } }",
    "1979-05-27T07:32:00Z",
    "2030-01-01",
    "07:32:00",
    "1979-05-27T07:32:00",
];

/// Keys of a build-out schedule table: years, years out of every range, and
/// things that are not years at all.
const YEARS: &[&str] = &[
    "2024",
    "2030",
    "1900",
    "2200",
    "0",
    "-1",
    "-2147483648",
    "2147483647",
    "2147483648",
    "99999999999",
    "x",
    "2030.5",
];

/// A value for a TOML key.
#[derive(Debug, Clone)]
enum Val {
    Num(Num),
    Lit(&'static str),
    /// A quoted string of the scenarios (names, file names).
    Str(Ix),
    Array(Vec<Num>),
    Schedule(Vec<(&'static str, Num)>),
    Strings(Vec<Ix>),
}

fn val() -> impl Strategy<Value = Val> {
    prop_oneof![
        6 => num().prop_map(Val::Num),
        4 => select(TOML_VALUES).prop_map(Val::Lit),
        3 => ix().prop_map(Val::Str),
        2 => prop::collection::vec(num(), 0..30).prop_map(Val::Array),
        2 => prop::collection::vec((select(YEARS), num()), 0..4).prop_map(Val::Schedule),
        1 => prop::collection::vec(ix(), 0..4).prop_map(Val::Strings),
    ]
}

impl Val {
    fn render(&self, w: &World) -> String {
        let s = |i: &Ix| w.toml_strings[i.index(w.toml_strings.len())].clone();
        match self {
            Val::Num(n) => n.render(),
            Val::Lit(l) => l.to_string(),
            Val::Str(i) => s(i),
            Val::Array(v) => format!("[{}]", v.iter().map(Num::render).collect::<Vec<_>>().join(", ")),
            Val::Schedule(v) => {
                format!(
                    "{{ {} }}",
                    v.iter().map(|(y, x)| format!("\"{y}\" = {}", x.render())).collect::<Vec<_>>().join(", ")
                )
            }
            Val::Strings(v) => format!("[{}]", v.iter().map(s).collect::<Vec<_>>().join(", ")),
        }
    }
}

/// Keys that are not keys of the scenario format, or not valid TOML keys.
const ODD_KEYS: &[&str] = &[
    "unknown_key",
    "capacity_MW",
    "capacity_mw ",
    "Capacity_mw",
    "名前",
    "\"quoted key\"",
    "\"\"",
    "a.b",
    "scenario.horizon_h",
    "zone.name",
    "run.samples",
    "1",
    "-",
    "",
];

#[derive(Debug, Clone)]
enum Key {
    Known(Ix),
    Odd(&'static str),
}

fn key() -> impl Strategy<Value = Key> {
    prop_oneof![6 => ix().prop_map(Key::Known), 1 => select(ODD_KEYS).prop_map(Key::Odd)]
}

impl Key {
    fn render(&self, w: &World) -> String {
        match self {
            Key::Known(i) => w.toml_keys[i.index(w.toml_keys.len())].clone(),
            Key::Odd(k) => k.to_string(),
        }
    }
}

/// Whole lines a scenario file could (almost) have.
const TOML_LINES: &[&str] = &[
    "[scenario]",
    "[run]",
    "[dispatch]",
    "[emissions]",
    "[economics]",
    "[sweep]",
    "[[zone]]",
    "[[external_grid]]",
    "[[site]]",
    "[[correlation]]",
    "[[wind_fleet]]",
    "[[solar_fleet]]",
    "[[generator]]",
    "[[storage]]",
    "[[electrolyser]]",
    "[[load]]",
    "[[line]]",
    "[[scenario]]",
    "[zone]",
    "[scenario.extra]",
    "[unknown]",
    "[]",
    "[[]]",
    "zone = []",
    "zone = 5",
    "site = [{ name = \"s\" }]",
    "horizon_h = 1",
    "horizon_h = 48",
    "horizon_h = 438000",
    "study_year = 2200",
    "study_year = -2147483648",
    "study_year = 2147483647",
    "samples = 0",
    "units = 0",
    "circuits = 0",
    "capacity_mw = 0",
    "data_file = \"pvgis_tmy_45.000_8.000_2005_2020.csv\"",
    "data_format = \"pvgis-hourly\"",
    "data_mode = \"replay\"",
    "block_days = 0",
    "window_days = 4294967295",
    "csv = \"series48.csv\"",
    "capacity_csv = \"series48_extreme.csv\"",
    "outage_csv = \"series48_extreme.csv\"",
    "outage_csv = \"series24.csv\"",
    "name = \"\"",
    "# comment",
    "",
    "=",
    "\"",
    "'''",
];

/// CSV cells: missing markers, quoting, and time stamps that are invalid,
/// out of order or at the edges of the calendar.
const CSV_VALUES: &[&str] = &[
    "",
    " ",
    "NA",
    "-9999",
    "\"\"",
    "\"1,2\"",
    "\"",
    "20200229:2310",
    "20190229:0000",
    "20201231:2300",
    "20180101:0000",
    "20081231:2300",
    "99991231:2359",
    "00000101:0000",
    "20200101:2400",
    "20201301:0000",
    "2020010:10000",
    "2021-02-29 00:00",
    "2019-01-01 00:00",
    "2019-06-01T00:00:00Z",
    "2019-06-01 24:00",
    "01/07/2021 24:00",
    "31/12/2021 24:00",
    "29/02/2021 01:00",
    "01/07/2021 01:00",
    "1600000000",
    "7e16",
    "-7e16",
    "time",
    "time(UTC)",
    "electricity",
    "wind_speed",
    "# {\"params\": {\"capacity\": 0}}",
    "# {\"params\": {\"height\": -1, \"capacity\": nan}}",
    "Slope: 30 deg.",
    "month,year",
];

#[derive(Debug, Clone)]
enum CsvCell {
    Num(Num),
    Lit(&'static str),
    /// A field found somewhere in the fixtures.
    Field(Ix),
}

fn cell() -> impl Strategy<Value = CsvCell> {
    prop_oneof![
        5 => num().prop_map(CsvCell::Num),
        3 => select(CSV_VALUES).prop_map(CsvCell::Lit),
        3 => ix().prop_map(CsvCell::Field),
    ]
}

impl CsvCell {
    fn render(&self, w: &World) -> String {
        match self {
            CsvCell::Num(n) => n.render(),
            CsvCell::Lit(s) => s.to_string(),
            CsvCell::Field(i) => w.csv_fields[i.index(w.csv_fields.len())].clone(),
        }
    }
}

/// Text inserted at a random place.
const SPECIAL_TEXT: &[&str] = &[
    "\0",
    "\u{feff}",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ",,",
    "#",
    ";",
    ":",
    "\\",
    "\\u",
    "é",
    "日本",
    "🦀",
    "\u{202e}",
    "e\u{301}",
    "\u{fffd}",
    "\"\"\"",
    "'''",
    " = ",
    "\n[scenario]\n",
    "\n[[zone]]\n",
    "\nname = \"x\"\n",
    "-",
    "0",
    "9",
    "e",
    ".",
];

#[derive(Debug, Clone)]
enum Insert {
    Lit(&'static str),
    Chars(Vec<char>),
    Bytes(Vec<u8>),
}

fn insert() -> impl Strategy<Value = Insert> {
    prop_oneof![
        4 => select(SPECIAL_TEXT).prop_map(Insert::Lit),
        2 => prop::collection::vec(any::<char>(), 1..8).prop_map(Insert::Chars),
        1 => prop::collection::vec(any::<u8>(), 1..16).prop_map(Insert::Bytes),
    ]
}

impl Insert {
    fn render(&self) -> String {
        match self {
            Insert::Lit(s) => s.to_string(),
            Insert::Chars(c) => c.iter().collect(),
            Insert::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        }
    }
}

// -------------------------------------------------------------- mutations

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Ix),
    DuplicateLine(Ix),
    SwapLines(Ix, Ix),
    /// Duplicate `n` lines from a line on (a whole `[[table]]`, a run of rows).
    DuplicateBlock(Ix, usize),
    DeleteBlock(Ix, usize),
    InsertLine(Ix, Insert),
    ReplaceNumber(Ix, Num),
    /// A number multiplied by a factor, keeping integers integers.
    ScaleNumber(Ix, f64),
    /// A number turned into a string: `5` → `"5"`.
    QuoteNumber(Ix),
    Truncate(Ix),
    InsertText(Ix, Insert),
    DeleteBytes(Ix, usize),
    ReplaceChar(Ix, char),
    /// `true`: every line ending CRLF; `false`: every line ending LF.
    LineEndings(bool),
    // TOML
    /// Set the value of a key (chosen by name from every known key) on one
    /// of the lines that have it.
    SetKey(Key, Ix, Val),
    /// Delete a `key = value` line (an optional key falls back to its default).
    DeleteKeyLine(Ix),
    /// The right-hand side of a `key = value` line.
    ReplaceValue(Ix, Val),
    /// A `key = value` line after a table header (`true`) or any line.
    AddKey(Ix, bool, Key, Val),
    RenameKey(Ix, Key),
    /// `[x]` ↔ `[[x]]`.
    ToggleTable(Ix),
    InsertTomlLine(Ix, &'static str),
    // CSV
    ReplaceField(Ix, Ix, CsvCell),
    DropField(Ix, Ix),
    DuplicateField(Ix, Ix),
    InsertCsvLine(Ix, CsvCell),
}

fn common_mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        3 => ix().prop_map(Mutation::DeleteLine),
        3 => ix().prop_map(Mutation::DuplicateLine),
        2 => (ix(), ix()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (ix(), 1usize..40).prop_map(|(a, n)| Mutation::DuplicateBlock(a, n)),
        1 => (ix(), 1usize..40).prop_map(|(a, n)| Mutation::DeleteBlock(a, n)),
        1 => (ix(), insert()).prop_map(|(a, s)| Mutation::InsertLine(a, s)),
        8 => (ix(), num()).prop_map(|(a, n)| Mutation::ReplaceNumber(a, n)),
        2 => ix().prop_map(Mutation::QuoteNumber),
        1 => ix().prop_map(Mutation::Truncate),
        2 => (ix(), insert()).prop_map(|(a, s)| Mutation::InsertText(a, s)),
        1 => (ix(), 1usize..64).prop_map(|(a, n)| Mutation::DeleteBytes(a, n)),
        1 => (ix(), any::<char>()).prop_map(|(a, c)| Mutation::ReplaceChar(a, c)),
        1 => any::<bool>().prop_map(Mutation::LineEndings),
    ]
    .boxed()
}

fn toml_mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        6 => common_mutation(),
        5 => (ix(), val()).prop_map(|(a, v)| Mutation::ReplaceValue(a, v)),
        4 => (key(), ix(), val()).prop_map(|(k, a, v)| Mutation::SetKey(k, a, v)),
        2 => (ix(), select(INT_EDGES)).prop_map(|(a, n)| Mutation::ReplaceNumber(a, Num::Lit(n))),
        2 => ix().prop_map(Mutation::DeleteKeyLine),
        2 => (ix(), select(FACTORS)).prop_map(|(a, f)| Mutation::ScaleNumber(a, f)),
        4 => (ix(), any::<bool>(), key(), val()).prop_map(|(a, h, k, v)| Mutation::AddKey(a, h, k, v)),
        1 => (ix(), key()).prop_map(|(a, k)| Mutation::RenameKey(a, k)),
        1 => ix().prop_map(Mutation::ToggleTable),
        1 => (ix(), select(TOML_LINES)).prop_map(|(a, l)| Mutation::InsertTomlLine(a, l)),
    ]
    .boxed()
}

fn csv_mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        6 => common_mutation(),
        6 => (ix(), ix(), cell()).prop_map(|(a, b, c)| Mutation::ReplaceField(a, b, c)),
        1 => (ix(), ix()).prop_map(|(a, b)| Mutation::DropField(a, b)),
        1 => (ix(), ix()).prop_map(|(a, b)| Mutation::DuplicateField(a, b)),
        1 => (ix(), cell()).prop_map(|(a, c)| Mutation::InsertCsvLine(a, c)),
    ]
    .boxed()
}

/// Factors for [`Mutation::ScaleNumber`].
const FACTORS: &[f64] = &[0.0, 0.5, 2.0, 10.0, 1e-3, 1e3, 1e6, -1.0];

/// Numbers that most keys accept: zeros, ones, range ends of fractions.
const MILD_NUMBERS: &[&str] =
    &["0", "1", "0.5", "0.01", "0.99", "0.999", "1e-9", "2", "24", "48", "100", "1e6", "1e-300"];

/// Changes that keep many scenarios valid but make them odd: values scaled
/// or set to zero, one or a range end, optional keys dropped.
fn mild_mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        4 => (ix(), select(FACTORS)).prop_map(|(a, f)| Mutation::ScaleNumber(a, f)),
        3 => (ix(), select(MILD_NUMBERS)).prop_map(|(a, n)| Mutation::ReplaceNumber(a, Num::Lit(n))),
        2 => ix().prop_map(Mutation::DeleteKeyLine),
    ]
    .boxed()
}

/// One to four mutations, mostly one or two.
fn mutations(m: BoxedStrategy<Mutation>) -> impl Strategy<Value = Vec<Mutation>> {
    prop_oneof![3 => prop::collection::vec(m.clone(), 1..=1), 2 => prop::collection::vec(m, 1..=4)]
}

fn pick(i: &Ix, n: usize) -> Option<usize> {
    (n > 0).then(|| i.index(n))
}

/// Largest char boundary ≤ `i`.
fn boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// At most `n` characters of `s`, for messages.
fn clip(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    if t.len() < s.len() { format!("{t}…") } else { t }
}

/// Byte spans of number-like tokens (`-1.5e3`, `20090101`, `0.0`), not the
/// digits inside names such as `WS10m`.
fn number_spans(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let digit_next = b.get(i + 1).is_some_and(u8::is_ascii_digit);
        let starts = c.is_ascii_digit() || (matches!(c, b'-' | b'+' | b'.') && digit_next);
        let free = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.');
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() {
            let d = b[j];
            let exp = matches!(d, b'e' | b'E')
                && (b.get(j + 1).is_some_and(u8::is_ascii_digit)
                    || (matches!(b.get(j + 1), Some(b'-' | b'+')) && b.get(j + 2).is_some_and(u8::is_ascii_digit)));
            let sign = matches!(d, b'-' | b'+') && matches!(b[j - 1], b'e' | b'E');
            if d.is_ascii_digit() || d == b'.' || d == b'_' || exp || sign {
                j += 1;
            } else {
                break;
            }
        }
        if free {
            out.push((i, j));
        }
        i = j;
    }
    out
}

/// Lines with their terminators (joined, they give the text back).
fn split_lines(s: &str) -> Vec<String> {
    s.split_inclusive('\n').map(str::to_string).collect()
}

fn eol(line: &str) -> &'static str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

fn body(line: &str) -> &str {
    line.strip_suffix(eol(line)).unwrap_or(line)
}

/// Make sure a line ends with a line break before another is put after it.
fn terminate(line: &mut String) {
    if eol(line).is_empty() {
        line.push('\n');
    }
}

fn is_key_line(l: &str) -> bool {
    let t = l.trim_start();
    !t.starts_with('#') && !t.starts_with('[') && t.contains('=')
}

fn is_header_line(l: &str) -> bool {
    l.trim_start().starts_with('[')
}

/// Apply `muts` in order; returns the text and what each mutation did.
fn apply(text: &str, muts: &[Mutation], w: &World) -> (String, Vec<String>) {
    let mut t = text.to_string();
    let mut log = Vec::new();
    for m in muts {
        let (next, what) = apply_one(&t, m, w);
        t = next;
        log.push(what);
    }
    (t, log)
}

fn apply_one(t: &str, m: &Mutation, w: &World) -> (String, String) {
    let mut lines = split_lines(t);
    let n = lines.len();
    let noop = |why: &str| (t.to_string(), format!("no-op ({why})"));
    let join = |lines: Vec<String>| lines.concat();
    // Ix of the i-th line satisfying `f`.
    let nth = |lines: &[String], i: &Ix, f: &dyn Fn(&str) -> bool| -> Option<usize> {
        let idx: Vec<usize> = (0..lines.len()).filter(|&k| f(&lines[k])).collect();
        pick(i, idx.len()).map(|k| idx[k])
    };
    match m {
        Mutation::DeleteLine(i) => {
            let Some(k) = pick(i, n) else { return noop("no lines") };
            let l = lines.remove(k);
            (join(lines), format!("delete line {}: `{}`", k + 1, clip(body(&l), 80)))
        }
        Mutation::DuplicateLine(i) => {
            let Some(k) = pick(i, n) else { return noop("no lines") };
            terminate(&mut lines[k]);
            let l = lines[k].clone();
            lines.insert(k + 1, l.clone());
            (join(lines), format!("duplicate line {}: `{}`", k + 1, clip(body(&l), 80)))
        }
        Mutation::SwapLines(a, b) => {
            let (Some(a), Some(b)) = (pick(a, n), pick(b, n)) else { return noop("no lines") };
            for k in [a, b] {
                terminate(&mut lines[k]);
            }
            lines.swap(a, b);
            (join(lines), format!("swap lines {} and {}", a + 1, b + 1))
        }
        Mutation::DuplicateBlock(i, len) => {
            let Some(k) = pick(i, n) else { return noop("no lines") };
            let end = (k + len).min(n);
            terminate(&mut lines[end - 1]);
            let block: Vec<String> = lines[k..end].to_vec();
            lines.splice(end..end, block);
            (join(lines), format!("duplicate lines {}–{}", k + 1, end))
        }
        Mutation::DeleteBlock(i, len) => {
            let Some(k) = pick(i, n) else { return noop("no lines") };
            let end = (k + len).min(n);
            lines.drain(k..end);
            (join(lines), format!("delete lines {}–{}", k + 1, end))
        }
        Mutation::InsertLine(i, s) => {
            let k = pick(i, n + 1).unwrap_or(0);
            let s = s.render();
            if k > 0 {
                terminate(&mut lines[k - 1]);
            }
            lines.insert(k, format!("{s}\n"));
            (join(lines), format!("insert line {}: {:?}", k + 1, clip(&s, 80)))
        }
        Mutation::InsertTomlLine(i, s) => {
            let k = pick(i, n + 1).unwrap_or(0);
            if k > 0 {
                terminate(&mut lines[k - 1]);
            }
            lines.insert(k, format!("{s}\n"));
            (join(lines), format!("insert line {}: `{s}`", k + 1))
        }
        Mutation::ReplaceNumber(i, x) => {
            let spans = number_spans(t);
            let Some(k) = pick(i, spans.len()) else { return noop("no numbers") };
            let (a, b) = spans[k];
            let r = x.render();
            let line = t[..a].matches('\n').count() + 1;
            (format!("{}{r}{}", &t[..a], &t[b..]), format!("line {line}: number `{}` → `{r}`", &t[a..b]))
        }
        Mutation::ScaleNumber(i, f) => {
            let spans = number_spans(t);
            let Some(k) = pick(i, spans.len()) else { return noop("no numbers") };
            let (a, b) = spans[k];
            let old = &t[a..b];
            let Ok(x) = old.replace('_', "").parse::<f64>() else { return noop("not a decimal number") };
            let y = x * f;
            let integer = old.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'_'));
            let r =
                if integer && y.fract() == 0.0 && y.abs() < 9e15 { format!("{}", y as i64) } else { format!("{y:?}") };
            let line = t[..a].matches('\n').count() + 1;
            (format!("{}{r}{}", &t[..a], &t[b..]), format!("line {line}: number `{old}` × {f} → `{r}`"))
        }
        Mutation::SetKey(key, i, v) => {
            let key = key.render(w);
            let has_key = |l: &str| is_key_line(l) && l.split_once('=').is_some_and(|(k, _)| k.trim() == key);
            let Some(k) = nth(&lines, i, &has_key) else { return noop("no line with that key") };
            let e = eol(&lines[k]);
            let r = v.render(w);
            let old = body(&lines[k]).split_once('=').map_or("", |(_, v)| v).trim().to_string();
            lines[k] = format!("{key} = {r}{e}");
            (join(lines), format!("line {}: `{key}` value `{}` → `{}`", k + 1, clip(&old, 40), clip(&r, 80)))
        }
        Mutation::DeleteKeyLine(i) => {
            let Some(k) = nth(&lines, i, &is_key_line) else { return noop("no key lines") };
            let l = lines.remove(k);
            (join(lines), format!("delete line {}: `{}`", k + 1, clip(body(&l), 80)))
        }
        Mutation::QuoteNumber(i) => {
            let spans = number_spans(t);
            let Some(k) = pick(i, spans.len()) else { return noop("no numbers") };
            let (a, b) = spans[k];
            let line = t[..a].matches('\n').count() + 1;
            (format!("{}\"{}\"{}", &t[..a], &t[a..b], &t[b..]), format!("line {line}: quote number `{}`", &t[a..b]))
        }
        Mutation::Truncate(i) => {
            let at = boundary(t, i.index(t.len() + 1));
            (t[..at].to_string(), format!("truncate at byte {at} of {}", t.len()))
        }
        Mutation::InsertText(i, s) => {
            let at = boundary(t, i.index(t.len() + 1));
            let s = s.render();
            (format!("{}{s}{}", &t[..at], &t[at..]), format!("insert {:?} at byte {at}", clip(&s, 40)))
        }
        Mutation::DeleteBytes(i, len) => {
            let a = boundary(t, i.index(t.len() + 1));
            let b = boundary(t, a + len);
            (format!("{}{}", &t[..a], &t[b..]), format!("delete bytes {a}..{b}: {:?}", clip(&t[a..b], 40)))
        }
        Mutation::ReplaceChar(i, c) => {
            let a = boundary(t, i.index(t.len() + 1));
            let b = t[a..].chars().next().map_or(a, |x| a + x.len_utf8());
            (format!("{}{c}{}", &t[..a], &t[b..]), format!("replace {:?} at byte {a} by {c:?}", &t[a..b]))
        }
        Mutation::LineEndings(crlf) => {
            let lf = t.replace("\r\n", "\n");
            if *crlf {
                (lf.replace('\n', "\r\n"), "all line endings CRLF".into())
            } else {
                (lf, "all line endings LF".into())
            }
        }
        Mutation::ReplaceValue(i, v) => {
            let Some(k) = nth(&lines, i, &is_key_line) else { return noop("no key lines") };
            let e = eol(&lines[k]);
            let b = body(&lines[k]);
            let (key, old) = b.split_once('=').expect("key line");
            let r = v.render(w);
            let new = format!("{key}= {r}{e}");
            let what =
                format!("line {}: `{}` value `{}` → `{}`", k + 1, key.trim(), clip(old.trim(), 40), clip(&r, 80));
            lines[k] = new;
            (join(lines), what)
        }
        Mutation::AddKey(i, after_header, key, v) => {
            let k = if *after_header { nth(&lines, i, &is_header_line) } else { pick(i, n) };
            let key = key.render(w);
            let r = v.render(w);
            let line = format!("{key} = {r}\n");
            let at = match k {
                Some(k) => {
                    terminate(&mut lines[k]);
                    k + 1
                }
                None => 0,
            };
            lines.insert(at, line);
            (join(lines), format!("add line {}: `{key} = {}`", at + 1, clip(&r, 80)))
        }
        Mutation::RenameKey(i, key) => {
            let Some(k) = nth(&lines, i, &is_key_line) else { return noop("no key lines") };
            let (old, rest) = lines[k].split_once('=').expect("key line");
            let (old, rest) = (old.to_string(), rest.to_string());
            let key = key.render(w);
            lines[k] = format!("{key} ={rest}");
            (join(lines), format!("line {}: rename key `{}` → `{key}`", k + 1, old.trim()))
        }
        Mutation::ToggleTable(i) => {
            let Some(k) = nth(&lines, i, &is_header_line) else { return noop("no table headers") };
            let e = eol(&lines[k]);
            let b = body(&lines[k]).trim().to_string();
            let new = if let Some(inner) = b.strip_prefix("[[").and_then(|x| x.strip_suffix("]]")) {
                format!("[{inner}]")
            } else if let Some(inner) = b.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
                format!("[[{inner}]]")
            } else {
                format!("[{b}]")
            };
            let what = format!("line {}: `{b}` → `{new}`", k + 1);
            lines[k] = format!("{new}{e}");
            (join(lines), what)
        }
        Mutation::ReplaceField(i, f, c) => {
            let Some(k) = pick(i, n) else { return noop("no lines") };
            let e = eol(&lines[k]);
            let mut fields: Vec<String> = body(&lines[k]).split(',').map(str::to_string).collect();
            let j = f.index(fields.len());
            let r = c.render(w);
            let what = format!("line {} field {}: `{}` → `{}`", k + 1, j + 1, clip(&fields[j], 40), clip(&r, 60));
            fields[j] = r;
            lines[k] = format!("{}{e}", fields.join(","));
            (join(lines), what)
        }
        Mutation::DropField(i, f) => {
            let Some(k) = pick(i, n) else { return noop("no lines") };
            let e = eol(&lines[k]);
            let mut fields: Vec<String> = body(&lines[k]).split(',').map(str::to_string).collect();
            let j = f.index(fields.len());
            let old = fields.remove(j);
            lines[k] = format!("{}{e}", fields.join(","));
            (join(lines), format!("line {} drop field {}: `{}`", k + 1, j + 1, clip(&old, 40)))
        }
        Mutation::DuplicateField(i, f) => {
            let Some(k) = pick(i, n) else { return noop("no lines") };
            let e = eol(&lines[k]);
            let mut fields: Vec<String> = body(&lines[k]).split(',').map(str::to_string).collect();
            let j = f.index(fields.len());
            let x = fields[j].clone();
            fields.insert(j, x.clone());
            lines[k] = format!("{}{e}", fields.join(","));
            (join(lines), format!("line {} duplicate field {}: `{}`", k + 1, j + 1, clip(&x, 40)))
        }
        Mutation::InsertCsvLine(i, c) => {
            let k = pick(i, n + 1).unwrap_or(0);
            let r = c.render(w);
            if k > 0 {
                terminate(&mut lines[k - 1]);
            }
            lines.insert(k, format!("{r}\n"));
            (join(lines), format!("insert line {}: `{}`", k + 1, clip(&r, 80)))
        }
    }
}

/// The part of `mutated` that differs from `base`, as `-`/`+` lines with
/// line numbers, shortened for a failure message.
fn excerpt(base: &str, mutated: &str) -> String {
    let a: Vec<&str> = base.lines().collect();
    let b: Vec<&str> = mutated.lines().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..].iter().rev().zip(b[pre..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    if ra.len() == rb.len() {
        // Same number of lines: only the lines that differ.
        let mut out = format!(
            "mutated text: {} bytes, {} lines (base {} bytes); changed lines:\n",
            mutated.len(),
            b.len(),
            base.len()
        );
        let changed: Vec<usize> = (0..ra.len()).filter(|&k| ra[k] != rb[k]).collect();
        for &k in changed.iter().take(8) {
            out.push_str(&format!(
                "- {:>5} | {:?}\n+ {:>5} | {:?}\n",
                pre + k + 1,
                clip(ra[k], 160),
                pre + k + 1,
                clip(rb[k], 160)
            ));
        }
        if changed.len() > 8 {
            out.push_str(&format!("  ... ({} more changed lines)\n", changed.len() - 8));
        }
        if changed.is_empty() {
            out.push_str("  (only line endings or the final newline differ)\n");
        }
        return out;
    }
    let mut out = format!(
        "mutated text: {} bytes, {} lines (base {} bytes, {} lines); lines from {} differ:\n",
        mutated.len(),
        b.len(),
        base.len(),
        a.len(),
        pre + 1
    );
    let show = |out: &mut String, sign: char, lines: &[&str]| {
        for (k, l) in lines.iter().enumerate().take(12) {
            out.push_str(&format!("{sign} {:>5} | {:?}\n", pre + k + 1, clip(l, 160)));
        }
        if lines.len() > 12 {
            out.push_str(&format!("{sign}   ... ({} more lines)\n", lines.len() - 12));
        }
    };
    show(&mut out, '-', ra);
    show(&mut out, '+', rb);
    if ra.is_empty() && rb.is_empty() {
        out.push_str("  (only line endings or the final newline differ)\n");
    }
    out
}

fn failure(what: &str, base: &Base, text: &str, log: &[String], panic: &str) -> String {
    format!(
        "{what} failed on a mutated `{}`\n{panic}\nmutations:\n  {}\n{}",
        base.name,
        log.join("\n  "),
        excerpt(&base.text, text)
    )
}

// ----------------------------------------------------------------- runner

#[derive(Default)]
struct Stats {
    cases: u64,
    /// Calls that returned `Ok` / `Err`.
    ok: u64,
    err: u64,
    engine_runs: u64,
    engine_samples: u64,
    /// Engine runs skipped for an outage group above [`MAX_UNITS`].
    engine_skipped: u64,
    /// Engine samples with a NaN or infinite metric (reported, not failed).
    nonfinite_samples: u64,
    downstream_ok: u64,
    downstream_err: u64,
    slowest: Duration,
    slowest_case: String,
    /// Keep-going mode: panics by site (`file:line:col`), with their count
    /// and the first report.
    panics: std::collections::BTreeMap<String, (u64, String)>,
    /// Non-finite metrics by metric names, with their count and first case.
    nonfinite: std::collections::BTreeMap<String, (u64, String)>,
}

/// Run `check` on `cases(default)` cases drawn from `strategy`; a returned
/// `Err` (a caught panic) fails the test with the shrunk case.
fn fuzz<T: Debug + Clone>(
    target: &str,
    default_cases: u32,
    strategy: impl Strategy<Value = T>,
    check: impl Fn(&T, &mut Stats) -> Result<(), String>,
) {
    let config = Config {
        cases: cases(default_cases),
        rng_seed: seed(target),
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    };
    let n = config.cases;
    let keep_going = keep_going();
    let mut runner = TestRunner::new(config);
    let stats = RefCell::new(Stats::default());
    let t0 = Instant::now();
    let result = runner.run(&strategy, |case| {
        let t = Instant::now();
        let r = check(&case, &mut stats.borrow_mut());
        let dt = t.elapsed();
        let mut s = stats.borrow_mut();
        s.cases += 1;
        if dt > s.slowest {
            s.slowest = dt;
            s.slowest_case = clip(&format!("{case:?}"), 300);
        }
        match r {
            Err(report) if keep_going => {
                let site = report
                    .split("panicked at ")
                    .nth(1)
                    .and_then(|x| x.split(":\n").next())
                    .unwrap_or("(unknown site)")
                    .to_string();
                let e = s.panics.entry(site).or_insert((0, format!("{report}\ncase: {case:?}")));
                e.0 += 1;
                Ok(())
            }
            r => r.map_err(TestCaseError::fail),
        }
    });
    let s = stats.into_inner();
    eprintln!(
        "fuzz {target}: {} cases ({n} asked) in {:.1} s; calls Ok {} / Err {}; engine runs {} (skipped {} for \
         too many units; {} samples, {} with a non-finite metric); downstream Ok {} / Err {}; slowest case {:.0} ms: {}",
        s.cases,
        t0.elapsed().as_secs_f64(),
        s.ok,
        s.err,
        s.engine_runs,
        s.engine_skipped,
        s.engine_samples,
        s.nonfinite_samples,
        s.downstream_ok,
        s.downstream_err,
        s.slowest.as_secs_f64() * 1e3,
        s.slowest_case
    );
    for (metrics, (count, report)) in &s.nonfinite {
        eprintln!("fuzz {target}: {count} engine run(s) with non-finite {metrics}; first, mutations:\n  {report}\n");
    }
    for (site, (count, report)) in &s.panics {
        eprintln!("fuzz {target}: {count} panic(s) at {site}; first:\n{report}\n");
    }
    assert!(s.panics.is_empty(), "{target}: panics at {} site(s): {:?}", s.panics.len(), s.panics.keys());
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, case)) => {
            panic!("{target}: minimal failing case after shrinking:\n{reason}\ncase: {case:?}")
        }
        Err(TestError::Abort(reason)) => panic!("{target}: aborted: {reason}"),
    }
}

/// Record an `Ok`/`Err` result, checking that the error displays.
fn tally<T, E: std::fmt::Display>(r: &Result<T, E>, st: &mut Stats) -> Result<(), String> {
    match r {
        Ok(_) => st.ok += 1,
        Err(e) => {
            st.err += 1;
            let msg = guarded(|| e.to_string())?;
            if msg.trim().is_empty() {
                return Err("an error with an empty message".into());
            }
        }
    }
    Ok(())
}

// -------------------------------------------------------- scenario target

/// Horizon of the engine run.
#[derive(Debug, Clone)]
enum Horizon {
    /// The scenario's own horizon if it is at most 48 h, else 48 h.
    UpTo48,
    /// Exactly this many hours (1–48).
    Hours(i64),
    /// The scenario's own horizon (a full year unless set), at most 8784 h.
    Own,
}

#[derive(Debug, Clone)]
struct ScenarioCase {
    base: Ix,
    mutations: Vec<Mutation>,
    horizon: Horizon,
    seed: u64,
    samples: u64,
}

fn scenario_case(mutations: impl Strategy<Value = Vec<Mutation>>) -> impl Strategy<Value = ScenarioCase> {
    let horizon = prop_oneof![
        8 => Just(Horizon::UpTo48),
        2 => (1i64..=48).prop_map(Horizon::Hours),
        1 => Just(Horizon::Own),
    ];
    (ix(), mutations, horizon, any::<u64>(), 1u64..=2)
        .prop_map(|(base, mutations, horizon, seed, samples)| ScenarioCase { base, mutations, horizon, seed, samples })
}

/// The scenario text with `scenario.horizon_h` set for a short engine run
/// (re-serialised through `toml`), or `None` if that is not possible.
fn with_horizon(text: &str, h: &Horizon) -> Option<(String, String)> {
    let mut doc: toml::Table = text.parse().ok()?;
    let sc = doc.get_mut("scenario")?.as_table_mut()?;
    let own = sc.get("horizon_h").and_then(toml::Value::as_integer);
    let hours = match (h, own) {
        (Horizon::UpTo48, Some(x)) if (1..=48).contains(&x) => x,
        (Horizon::UpTo48, _) => 48,
        (Horizon::Hours(x), _) => *x,
        (Horizon::Own, Some(x)) if x > 8784 => 8784,
        (Horizon::Own, _) => return Some((text.to_string(), "the scenario's own horizon".into())),
    };
    sc.insert("horizon_h".into(), toml::Value::Integer(hours));
    Some((toml::to_string(&doc).ok()?, format!("horizon_h = {hours}")))
}

/// Largest outage group the engine is run on. The outage sampler keeps
/// tables of `units + 1` numbers per group, so billions of units
/// (`units = 4294967295`, or 1e6 MWdc in 0.001 MW inverter blocks) need tens
/// of GB and abort the process, which `catch_unwind` cannot report: see
/// `bug_huge_unit_counts_exhaust_memory`. `resolve` now caps a group at
/// 100,000 units; this guard stays so that a regression is counted (as
/// skipped) instead of killing the fuzz run.
const MAX_UNITS: u32 = 2_000_000;

fn largest_group(m: &Model) -> u32 {
    let groups = m.wind_fleets.iter().map(|x| &x.outages).chain(m.solar_fleets.iter().map(|x| &x.outages));
    let groups = groups.chain(m.generators.iter().map(|x| &x.outages)).chain(m.storage.iter().map(|x| &x.outages));
    let groups = groups.chain(m.electrolysers.iter().map(|x| &x.outages)).chain(m.lines.iter().map(|x| &x.outages));
    groups.map(|o| o.units).max().unwrap_or(0)
}

/// What an engine run did.
enum EngineRun {
    /// The shortened scenario does not resolve.
    NotResolved,
    /// An outage group larger than [`MAX_UNITS`].
    TooManyUnits,
    /// Samples simulated, how many had a non-finite metric, and which.
    Ran(u64, u64, Vec<String>),
}

/// Simulate `samples` samples of a scenario.
fn run_engine(src: &Source, seed: u64, samples: u64) -> Result<EngineRun, String> {
    guarded(|| {
        let Ok(model) = scenario::load(src) else { return EngineRun::NotResolved };
        if largest_group(&model) > MAX_UNITS {
            return EngineRun::TooManyUnits;
        }
        let study = Study::new(&model);
        let mut scratch = study.scratch();
        let mut profiles = ProfileSums::new(model.hours());
        let (mut nonfinite, mut metrics) = (0, Vec::new());
        for k in 0..samples {
            let mut row = Vec::new();
            study.simulate(seed, k, &mut scratch, &mut profiles, &mut row);
            if row.iter().any(|x| !x.is_finite()) {
                nonfinite += 1;
            }
            for (x, def) in row.iter().zip(&study.registry.defs) {
                if !x.is_finite() && !metrics.contains(&def.key) {
                    metrics.push(def.key.clone());
                }
            }
        }
        EngineRun::Ran(samples, nonfinite, metrics)
    })
}

fn check_scenario(w: &World, c: &ScenarioCase, st: &mut Stats) -> Result<(), String> {
    let base = &w.scenarios[c.base.index(w.scenarios.len())];
    let (text, log) = apply(&base.text, &c.mutations, w);
    let src = Source { name: base.name.clone(), dir: Some(w.dir.path().to_path_buf()), text: text.clone() };
    let loaded = guarded(|| scenario::load(&src)).map_err(|p| failure("scenario::load", base, &text, &log, &p))?;
    tally(&loaded, st).map_err(|p| failure("displaying the scenario error", base, &text, &log, &p))?;
    if loaded.is_err() {
        return Ok(());
    }
    let Some((short, hours)) = with_horizon(&text, &c.horizon) else { return Ok(()) };
    let src = Source { text: short, ..src };
    match run_engine(&src, c.seed, c.samples) {
        Ok(EngineRun::Ran(n, nonfinite, metrics)) => {
            st.engine_runs += 1;
            st.engine_samples += n;
            st.nonfinite_samples += nonfinite;
            if !metrics.is_empty() {
                let first = || format!("{}\n{}", log.join("\n  "), excerpt(&base.text, &text));
                st.nonfinite.entry(metrics.join(", ")).or_insert_with(|| (0, first())).0 += 1;
            }
            Ok(())
        }
        Ok(EngineRun::TooManyUnits) => {
            st.engine_skipped += 1;
            Ok(())
        }
        Ok(EngineRun::NotResolved) => Ok(()),
        Err(p) => Err(failure(
            &format!("the engine ({hours}, seed {}, {} samples)", c.seed, c.samples),
            base,
            &text,
            &log,
            &p,
        )),
    }
}

// ----------------------------------------------------------- data targets

const F64_EDGES: &[f64] = &[
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    8.0,
    -12.0,
    14.0,
    0.5,
    5.75,
    -9.5,
    1e9,
    -1e9,
    24.0,
];

/// What is done with a series a reader accepts, as a scenario (replay,
/// resample for a study year) or `fit-weather` (fit) would.
#[derive(Debug, Clone)]
struct Downstream {
    year: i32,
    utc_offset_h: f64,
    block_days: usize,
    window_days: usize,
    fit_utc_offset_h: f64,
    seed: u64,
}

fn downstream() -> impl Strategy<Value = Downstream> {
    let offset = prop_oneof![3 => (-48i32..=56).prop_map(|q| f64::from(q) / 4.0), 1 => select(F64_EDGES)];
    let fit_offset = prop_oneof![3 => (-12i32..=14).prop_map(f64::from), 1 => select(F64_EDGES)];
    (1900i32..=2200, offset, 1usize..=366, 0usize..=182, fit_offset, any::<u64>()).prop_map(
        |(year, utc_offset_h, block_days, window_days, fit_utc_offset_h, seed)| Downstream {
            year,
            utc_offset_h,
            block_days,
            window_days,
            fit_utc_offset_h,
            seed,
        },
    )
}

/// Replay, resample and fit an accepted series.
fn check_downstream(s: &WeatherSeries, d: &Downstream, st: &mut Stats) -> Result<(), String> {
    let mut count = |ok: bool| if ok { st.downstream_ok += 1 } else { st.downstream_err += 1 };
    let r = guarded(|| bootstrap::replay(s, d.year, d.utc_offset_h).map(|_| ()))
        .map_err(|p| format!("bootstrap::replay(year {}, UTC{:+}) {p}", d.year, d.utc_offset_h))?;
    count(r.is_ok());
    let r = guarded(|| {
        let mut rng = renewplan::base::rng::stream(d.seed, 0, "fuzz", "resample");
        bootstrap::resample(s, d.year, d.utc_offset_h, &mut rng, d.block_days, d.window_days).map(|_| ())
    })
    .map_err(|p| format!("bootstrap::resample({d:?}) {p}"))?;
    count(r.is_ok());
    let r = guarded(|| fit::fit_site(s, d.fit_utc_offset_h).map(|_| ()))
        .map_err(|p| format!("fit::fit_site(UTC{:+}) {p}", d.fit_utc_offset_h))?;
    count(r.is_ok());
    Ok(())
}

#[derive(Debug, Clone)]
struct ReaderCase {
    /// Which fixture: this target's own formats mostly, any fixture sometimes.
    own: bool,
    base: Ix,
    mutations: Vec<Mutation>,
    downstream: Downstream,
}

fn reader_case() -> impl Strategy<Value = ReaderCase> {
    (prop::bool::weighted(0.9), ix(), mutations(csv_mutation()), downstream())
        .prop_map(|(own, base, mutations, downstream)| ReaderCase { own, base, mutations, downstream })
}

type Reader<'a> = (&'a str, &'a dyn Fn(&str, &str) -> Result<Option<WeatherSeries>, DataError>);

/// Mutate a fixture (one of `own`, by name prefix) and feed it to `readers`.
fn check_readers(w: &World, own: &[&str], c: &ReaderCase, readers: &[Reader], st: &mut Stats) -> Result<(), String> {
    let pool: Vec<&Base> = if c.own {
        own.iter().map(|p| w.fixture(p)).collect()
    } else {
        w.fixtures.iter().chain(&w.scenarios).collect()
    };
    let base = pool[c.base.index(pool.len())];
    let (text, log) = apply(&base.text, &c.mutations, w);
    for (name, read) in readers {
        let r = guarded(|| read(&text, &base.name)).map_err(|p| failure(name, base, &text, &log, &p))?;
        tally(&r, st).map_err(|p| failure(&format!("displaying the {name} error"), base, &text, &log, &p))?;
        if let Ok(Some(series)) = &r {
            check_downstream(series, &c.downstream, st)
                .map_err(|p| failure(&format!("{name} → downstream"), base, &text, &log, &p))?;
        }
    }
    Ok(())
}

const TMY: &str = "pvgis_tmy";
const HOURLY: &str = "pvgis_hourly";
const NINJA: [&str; 4] = ["ninja_pv", "ninja_wind", "ninja_weather_37", "ninja_weather_full"];
const GENERIC: &str = "generic_station";

fn tmy_reader(t: &str, f: &str) -> Result<Option<WeatherSeries>, DataError> {
    pvgis::read_tmy(t, f).map(Some)
}
fn hourly_reader(t: &str, f: &str) -> Result<Option<WeatherSeries>, DataError> {
    pvgis::read_hourly(t, f).map(Some)
}
fn ninja_reader(t: &str, f: &str) -> Result<Option<WeatherSeries>, DataError> {
    ninja::read(t, f).map(|s| match s {
        ninja::NinjaSeries::Weather(w) => Some(w),
        ninja::NinjaSeries::CapacityFactor(_) => None,
    })
}
fn ninja_weather_reader(t: &str, f: &str) -> Result<Option<WeatherSeries>, DataError> {
    ninja::read_weather(t, f).map(Some)
}
fn ninja_cf_reader(t: &str, f: &str) -> Result<Option<WeatherSeries>, DataError> {
    ninja::read_capacity_factor(t, f).map(|_| None)
}

// ----------------------------------------------------------- generic spec

/// The spec the generic fixture is written for.
fn station_spec() -> GenericSpec {
    GenericSpec {
        time_column: "timestamp".into(),
        time_format: "%d/%m/%Y %H:%M".into(),
        utc_offset_h: 8.0,
        convention: TimeConvention::IntervalEnd,
        ghi_column: Some("ghi_kw_m2".into()),
        ghi_unit: "kW/m2".into(),
        temp_column: Some("air_temp_k".into()),
        temp_unit: "K".into(),
        wind_column: Some("ws_80m".into()),
        wind_height_m: 80.0,
        missing: vec!["NA".into(), "-9999".into()],
        latitude_deg: Some(39.0),
        longitude_deg: Some(104.0),
        ..GenericSpec::default()
    }
}

const COLUMNS: &[&str] = &[
    "timestamp",
    "ghi_kw_m2",
    "air_temp_k",
    "ws_80m",
    "rh_pct",
    "time",
    "ghi",
    "temp",
    "wind",
    "",
    " timestamp ",
    "é",
];
const TIME_FORMATS: &[&str] = &[
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "unix",
    "UNIX ",
    "%d/%m/%Y %H:%M:%S",
    "%Y%m%d:%H%M",
    "%",
    "%q",
    "%%",
    "%Y",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y",
    "%d/%m/%Y %H",
    "%d%m%Y%H%M",
    "%Y%Y%Y%m%d",
    "日%d/%m/%Y %H:%M",
    "%d/%m/%Y\u{0}%H:%M",
    "",
    "%H:%M",
    "%d/%m/%Y %H:%M%%",
    "%d/%m/%Y%H:%M",
];
const GHI_UNITS: &[&str] = &["kW/m2", "W/m2", "J/m2", "kWh/m2", "W/m²", "Wh/m^2", "lux", "", "kw / m 2"];
const TEMP_UNITS: &[&str] = &["K", "C", "F", "°C", "kelvin", "R", "", "°"];
const DELIMITERS: &[u8] = &[b',', b';', b'\t', b' ', b'"', b'#', b'\n', b'\r', 0, 0xff, b'/', b':', b'0', b'a'];
const MISSING: &[&str] = &["NA", "-9999", "", "nan", "0", "0.0000", " ", "291.60"];

/// Changes to the station spec; `None` keeps the station's value.
#[derive(Debug, Clone, Default)]
struct SpecChange {
    time_column: Option<&'static str>,
    time_format: Option<&'static str>,
    utc_offset_h: Option<f64>,
    convention: Option<u8>,
    ghi_column: Option<Option<&'static str>>,
    ghi_unit: Option<&'static str>,
    temp_column: Option<Option<&'static str>>,
    temp_unit: Option<&'static str>,
    wind_column: Option<Option<&'static str>>,
    wind_height_m: Option<f64>,
    missing: Option<Vec<&'static str>>,
    delimiter: Option<u8>,
    place: Option<(f64, f64, f64)>,
}

fn spec_change() -> impl Strategy<Value = SpecChange> {
    use prop::option::weighted;
    let p = 0.12;
    let col = || weighted(p, weighted(0.8, select(COLUMNS)));
    (
        (
            weighted(p, select(COLUMNS)),
            weighted(p, select(TIME_FORMATS)),
            weighted(p, select(F64_EDGES)),
            weighted(p, 0u8..3),
        ),
        (col(), weighted(p, select(GHI_UNITS)), col(), weighted(p, select(TEMP_UNITS)), col()),
        (
            weighted(p, select(F64_EDGES)),
            weighted(p, prop::collection::vec(select(MISSING), 0..3)),
            weighted(p, select(DELIMITERS)),
            weighted(p, (select(F64_EDGES), select(F64_EDGES), select(F64_EDGES))),
        ),
    )
        .prop_map(
            |(
                (time_column, time_format, utc_offset_h, convention),
                (ghi_column, ghi_unit, temp_column, temp_unit, wind_column),
                (wind_height_m, missing, delimiter, place),
            )| SpecChange {
                time_column,
                time_format,
                utc_offset_h,
                convention,
                ghi_column,
                ghi_unit,
                temp_column,
                temp_unit,
                wind_column,
                wind_height_m,
                missing,
                delimiter,
                place,
            },
        )
}

impl SpecChange {
    fn spec(&self) -> GenericSpec {
        let mut s = station_spec();
        let own = |o: Option<&'static str>| o.map(str::to_string);
        if let Some(x) = self.time_column {
            s.time_column = x.into();
        }
        if let Some(x) = self.time_format {
            s.time_format = x.into();
        }
        if let Some(x) = self.utc_offset_h {
            s.utc_offset_h = x;
        }
        if let Some(x) = self.convention {
            s.convention = [TimeConvention::IntervalStart, TimeConvention::IntervalMiddle, TimeConvention::IntervalEnd]
                [x as usize % 3];
        }
        if let Some(x) = self.ghi_column {
            s.ghi_column = own(x);
        }
        if let Some(x) = self.ghi_unit {
            s.ghi_unit = x.into();
        }
        if let Some(x) = self.temp_column {
            s.temp_column = own(x);
        }
        if let Some(x) = self.temp_unit {
            s.temp_unit = x.into();
        }
        if let Some(x) = self.wind_column {
            s.wind_column = own(x);
        }
        if let Some(x) = self.wind_height_m {
            s.wind_height_m = x;
        }
        if let Some(x) = &self.missing {
            s.missing = x.iter().map(|m| m.to_string()).collect();
        }
        if let Some(x) = self.delimiter {
            s.delimiter = x;
        }
        if let Some((a, b, c)) = self.place {
            (s.latitude_deg, s.longitude_deg, s.elevation_m) = (Some(a), Some(b), Some(c));
        }
        s
    }
}

/// A generic CSV to start from: the station fixture, or a synthetic hourly
/// series with Unix time stamps from an arbitrary start (far past and far
/// future instants, where calendar arithmetic overflows).
#[derive(Debug, Clone)]
enum GenericBase {
    Station,
    Unix { start: f64, hours: usize },
}

fn generic_base() -> impl Strategy<Value = GenericBase> {
    let start = prop_oneof![
        2 => select(&[0.0, -3600.0, 1.6e9, 7e16, -7e16, 1e15, -1e15, 6.7e16, 2.2e10, -6.2e10, 253_402_300_800.0][..]),
        1 => (-1e17..1e17f64).prop_map(|x| (x / 3600.0).round() * 3600.0),
    ];
    let hours = prop_oneof![3 => 1usize..100, 1 => 8700usize..8800];
    prop_oneof![4 => Just(GenericBase::Station), 1 => (start, hours).prop_map(|(start, hours)| GenericBase::Unix { start, hours })]
}

impl GenericBase {
    fn build(&self, w: &World) -> (Base, Option<GenericSpec>) {
        match self {
            GenericBase::Station => (w.fixture(GENERIC).clone(), None),
            GenericBase::Unix { start, hours } => {
                let mut text = String::from("t,ghi,temp,wind\n");
                for h in 0..*hours {
                    let g = if h % 24 < 12 { 500.0 } else { 0.0 };
                    text.push_str(&format!("{},{g},{},{}\n", start + 3600.0 * h as f64, 10 + h % 7, 3 + h % 5));
                }
                let spec = GenericSpec {
                    time_column: "t".into(),
                    time_format: "unix".into(),
                    ghi_column: Some("ghi".into()),
                    temp_column: Some("temp".into()),
                    wind_column: Some("wind".into()),
                    latitude_deg: Some(39.0),
                    longitude_deg: Some(104.0),
                    ..GenericSpec::default()
                };
                (Base { name: format!("unix_from_{start}.csv"), text }, Some(spec))
            }
        }
    }
}

#[derive(Debug, Clone)]
struct GenericCase {
    base: GenericBase,
    spec: SpecChange,
    mutations: Vec<Mutation>,
    downstream: Downstream,
}

fn generic_case() -> impl Strategy<Value = GenericCase> {
    (generic_base(), spec_change(), prop::collection::vec(csv_mutation(), 0..=3), downstream())
        .prop_map(|(base, spec, mutations, downstream)| GenericCase { base, spec, mutations, downstream })
}

fn check_generic(w: &World, c: &GenericCase, st: &mut Stats) -> Result<(), String> {
    let (base, unix_spec) = c.base.build(w);
    let spec = match unix_spec {
        Some(s) => s,
        None => c.spec.spec(),
    };
    let (text, log) = apply(&base.text, &c.mutations, w);
    let r = guarded(|| generic::read(&text, &base.name, &spec))
        .map_err(|p| failure(&format!("generic::read with {spec:?}"), &base, &text, &log, &p))?;
    tally(&r, st).map_err(|p| failure("displaying the generic::read error", &base, &text, &log, &p))?;
    if let Ok(series) = &r {
        check_downstream(series, &c.downstream, st)
            .map_err(|p| failure(&format!("generic::read with {spec:?} → downstream"), &base, &text, &log, &p))?;
    }
    Ok(())
}

// ------------------------------------------------------------------ tests

/// The fuzzing starts from valid inputs: every base scenario resolves and
/// simulates, every fixture reads with its reader.
#[test]
fn fuzz_seeds_are_valid() {
    let w = World::new();
    for b in &w.scenarios {
        let src = Source { name: b.name.clone(), dir: Some(w.dir.path().to_path_buf()), text: b.text.clone() };
        if let Err(e) = scenario::load(&src) {
            panic!("{}: {e}", b.name);
        }
        let (short, _) = with_horizon(&b.text, &Horizon::UpTo48).expect("horizon override");
        let r = run_engine(&Source { text: short, ..src }, 1, 2).unwrap_or_else(|p| panic!("{}: {p}", b.name));
        assert!(
            matches!(r, EngineRun::Ran(2, _, _)),
            "{}: does not resolve with a 48 h horizon, or too many units",
            b.name
        );
    }
    pvgis::read_tmy(&w.fixture(TMY).text, TMY).expect("TMY fixture");
    pvgis::read_hourly(&w.fixture(HOURLY).text, HOURLY).expect("hourly fixture");
    for n in NINJA {
        ninja::read(&w.fixture(n).text, n).expect("ninja fixture");
    }
    generic::read(&w.fixture(GENERIC).text, GENERIC, &station_spec()).expect("generic fixture");
    let full = generated_files().into_iter().find(|(n, _)| n.starts_with("ninja_weather_full")).expect("generated");
    let s = ninja::read_weather(&full.1, full.0).expect("generated ninja year");
    assert_eq!(s.len(), 8760);
}

/// The mutation machinery itself: number tokens, char boundaries, lines.
#[test]
fn mutations_keep_utf8_and_find_numbers() {
    let spans = |s: &str| number_spans(s).into_iter().map(|(a, b)| s[a..b].to_string()).collect::<Vec<_>>();
    assert_eq!(spans("x = -1.5e-3 # WS10m ws_80m"), ["-1.5e-3"]);
    assert_eq!(spans("20090101:0000,2.5,G(h)"), ["20090101", "0000", "2.5"]);
    assert_eq!(spans("{ 2024 = 1_000 }"), ["2024", "1_000"]);
    let s = "a日本🦀";
    for i in 0..=s.len() + 3 {
        assert!(s.is_char_boundary(boundary(s, i)));
    }
    assert_eq!(split_lines("a\r\nb\nc").concat(), "a\r\nb\nc");
    let w = World::new();
    let t = "name = \"é\"\r\nx = 1\r\n";
    let (m, _) = apply(t, &[Mutation::ReplaceValue(Ix(u64::MAX), Val::Num(Num::Lit("nan")))], &w);
    assert_eq!(m, "name = \"é\"\r\nx = nan\r\n");
    let (m, _) = apply(t, &[Mutation::ToggleTable(Ix(0))], &w);
    assert_eq!(m, t, "no table headers: unchanged");
    assert!(excerpt(t, &m).contains("only line endings"));
}

#[test]
fn scenario_mutations_never_panic() {
    let w = World::new();
    fuzz("scenario", 128, scenario_case(mutations(toml_mutation())), |c, st| check_scenario(&w, c, st));
}

/// Mild mutations, so that most cases resolve and reach the engine.
#[test]
fn odd_but_valid_scenarios_never_panic_the_engine() {
    let w = World::new();
    let muts = prop::collection::vec(mild_mutation(), 1..=6);
    fuzz("engine", 128, scenario_case(muts), |c, st| check_scenario(&w, c, st));
}

#[test]
fn pvgis_tmy_mutations_never_panic() {
    let w = World::new();
    let readers: [Reader; 2] = [("pvgis::read_tmy", &tmy_reader), ("pvgis::read_hourly", &hourly_reader)];
    fuzz("pvgis-tmy", 64, reader_case(), |c, st| check_readers(&w, &[TMY], c, &readers, st));
}

#[test]
fn pvgis_hourly_mutations_never_panic() {
    let w = World::new();
    let readers: [Reader; 2] = [("pvgis::read_hourly", &hourly_reader), ("pvgis::read_tmy", &tmy_reader)];
    fuzz("pvgis-hourly", 128, reader_case(), |c, st| check_readers(&w, &[HOURLY], c, &readers, st));
}

#[test]
fn ninja_mutations_never_panic() {
    let w = World::new();
    let readers: [Reader; 3] = [
        ("ninja::read", &ninja_reader),
        ("ninja::read_weather", &ninja_weather_reader),
        ("ninja::read_capacity_factor", &ninja_cf_reader),
    ];
    fuzz("ninja", 128, reader_case(), |c, st| check_readers(&w, &NINJA, c, &readers, st));
}

#[test]
fn generic_mutations_never_panic() {
    let w = World::new();
    fuzz("generic", 128, generic_case(), |c, st| check_generic(&w, c, st));
}

// ----------------------------------------------------------- merge target

/// A small sharded run of the bundled scenario cut to 24 hours: two partial
/// results (`run --shard K/2`) and one full result of the same four
/// samples, read back as text; the bases of the `merge` and `result`
/// targets.
struct RunDirs {
    dir: tempfile::TempDir,
    /// Files of each shard directory (`partial.json`, `samples.csv`,
    /// `scenario.toml`, the manifest), by name, sorted.
    shards: Vec<Vec<Base>>,
    /// Files of the full result directory.
    full: Vec<Base>,
}

/// Run the CLI in-process (setup only: the arguments are known to work).
fn cli_run(args: &[&str]) {
    let cli = renewplan::cli::Cli::try_parse_from(std::iter::once("renewplan").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    renewplan::cli::main(cli).unwrap_or_else(|e| panic!("{args:?}: {e}"));
}

/// Every regular file of `dir` (not recursing), as text.
fn read_files(dir: &Path) -> Vec<Base> {
    let mut v: Vec<Base> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file())
        .map(|p| Base {
            name: p.file_name().expect("file name").to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

impl RunDirs {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let scen = dir.path().join("s.toml");
        let text = scenario::DEFAULT_SCENARIO.replace("study_year = 2030", "study_year = 2030\nhorizon_h = 24");
        assert_ne!(text, scenario::DEFAULT_SCENARIO, "the bundled scenario sets study_year = 2030");
        std::fs::write(&scen, text).expect("write scenario");
        let s = scen.to_str().expect("UTF-8 temp path");
        let mut shards = Vec::new();
        for k in 1..=2 {
            let out = dir.path().join(format!("k{k}"));
            cli_run(&[
                "run",
                s,
                "-n",
                "4",
                "--seed",
                "7",
                "--shard",
                &format!("{k}/2"),
                "-q",
                "-j",
                "1",
                "-o",
                out.to_str().expect("UTF-8"),
            ]);
            shards.push(read_files(&out));
        }
        let full = dir.path().join("full");
        cli_run(&["run", s, "-n", "4", "--seed", "7", "-q", "-j", "1", "-o", full.to_str().expect("UTF-8")]);
        let full = read_files(&full);
        for f in ["partial.json", "samples.csv", "scenario.toml", outdir::MANIFEST] {
            assert!(shards.iter().all(|s| s.iter().any(|b| b.name == f)), "a shard directory holds {f}");
        }
        for f in ["summary.json", "hourly-median.csv", "scenario.toml", outdir::MANIFEST] {
            assert!(full.iter().any(|b| b.name == f), "a result directory holds {f}");
        }
        RunDirs { dir, shards, full }
    }

    /// Write `files` into `dir` (made afresh), with the file at index
    /// `target.0` replaced by the text `target.1`; if `rehash`, the manifest
    /// is updated to the new file's size and hash (so that the mutation gets
    /// past the hash check and reaches the parser), unless the manifest
    /// itself is the target.
    fn write(dir: &Path, files: &[Base], target: Option<(usize, &str)>, rehash: bool) {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).expect("case dir");
        for (i, f) in files.iter().enumerate() {
            let t = match target {
                Some((j, text)) if j == i => text,
                _ => &f.text,
            };
            if let Some((j, text)) = target
                && f.name == outdir::MANIFEST
                && rehash
                && files[j].name != f.name
            {
                let name = &files[j].name;
                let mut m: outdir::Manifest = serde_json::from_str(&f.text).expect("manifest");
                if let Some(e) = m.files.iter_mut().find(|e| e.name == *name) {
                    e.bytes = text.len() as u64;
                    e.sha256 = outdir::sha256_hex(text.as_bytes());
                }
                std::fs::write(dir.join(&f.name), m.to_bytes()).expect("write manifest");
            } else {
                std::fs::write(dir.join(&f.name), t).expect("write case file");
            }
        }
    }
}

/// Which directories `merge` is given.
#[derive(Debug, Clone, Copy)]
enum MergeDirs {
    /// Both shards, the mutated one at its own place.
    Both,
    /// Both shards, in reverse order.
    Reversed,
    /// The mutated shard only.
    Alone,
    /// The mutated shard twice.
    Twice,
    /// Both shards and a directory that does not exist.
    Missing,
}

#[derive(Debug, Clone)]
struct DirCase {
    /// Which shard (merge target).
    shard: Ix,
    /// Which file of the directory.
    file: Ix,
    mutations: Vec<Mutation>,
    /// Update the manifest to the mutated file (most cases).
    rehash: bool,
    dirs: MergeDirs,
}

fn dir_case() -> impl Strategy<Value = DirCase> {
    let dirs = prop_oneof![
        6 => Just(MergeDirs::Both),
        2 => Just(MergeDirs::Reversed),
        1 => Just(MergeDirs::Alone),
        1 => Just(MergeDirs::Twice),
        1 => Just(MergeDirs::Missing),
    ];
    (
        ix(),
        ix(),
        prop::bool::weighted(0.5),
        mutations(csv_mutation()),
        mutations(toml_mutation()),
        prop::bool::weighted(0.85),
        dirs,
    )
        .prop_map(|(shard, file, toml, csv, tm, rehash, dirs)| DirCase {
            shard,
            file,
            mutations: if toml { tm } else { csv },
            rehash,
            dirs,
        })
}

/// Mutate one file of one shard directory and merge (then draw the merged
/// result's files, as `renewplan merge` does).
fn check_merge(w: &World, r: &RunDirs, c: &DirCase, st: &mut Stats) -> Result<(), String> {
    let k = c.shard.index(r.shards.len());
    let files = &r.shards[k];
    let target = c.file.index(files.len());
    let base = &files[target];
    let (text, log) = apply(&base.text, &c.mutations, w);
    let case = r.dir.path().join("case");
    let dirs: Vec<std::path::PathBuf> = (0..r.shards.len()).map(|i| case.join(format!("k{}", i + 1))).collect();
    for (i, (d, f)) in dirs.iter().zip(&r.shards).enumerate() {
        RunDirs::write(d, f, (i == k).then_some((target, text.as_str())), c.rehash);
    }
    let mutated = dirs[k].clone();
    let args: Vec<std::path::PathBuf> = match c.dirs {
        MergeDirs::Both => dirs,
        MergeDirs::Reversed => dirs.into_iter().rev().collect(),
        MergeDirs::Alone => vec![mutated],
        MergeDirs::Twice => vec![mutated.clone(), mutated],
        MergeDirs::Missing => dirs.into_iter().chain([case.join("absent")]).collect(),
    };
    let what = format!("shard k{}/{}", k + 1, base.name);
    let m =
        guarded(|| shard::merge(&args, 1)).map_err(|p| failure(&format!("merge ({what})"), base, &text, &log, &p))?;
    tally(&m, st).map_err(|p| failure("displaying the merge error", base, &text, &log, &p))?;
    if let Ok(m) = &m {
        let f = guarded(|| renewplan::present::result::merged_files(m))
            .map_err(|p| failure(&format!("merged_files ({what})"), base, &text, &log, &p))?;
        match f {
            Ok(_) => st.downstream_ok += 1,
            Err(_) => st.downstream_err += 1,
        }
    }
    Ok(())
}

/// Mutate one file of a result directory and redraw it (`renewplan chart`,
/// which reads `summary.json`, `hourly-median.csv` and `scenario.toml`).
fn check_result(w: &World, r: &RunDirs, c: &DirCase, st: &mut Stats) -> Result<(), String> {
    let files = &r.full;
    let target = c.file.index(files.len());
    let base = &files[target];
    let (text, log) = apply(&base.text, &c.mutations, w);
    let case = r.dir.path().join("case-result");
    RunDirs::write(&case, files, Some((target, &text)), c.rehash);
    let what = format!("result/{}", base.name);
    let f = guarded(|| renewplan::present::result::redraw(&case))
        .map_err(|p| failure(&format!("redraw ({what})"), base, &text, &log, &p))?;
    tally(&f, st).map_err(|p| failure("displaying the redraw error", base, &text, &log, &p))
}

// ------------------------------------------------------------- CLI target

/// Valid argument vectors (without the program name). `{S}`: a small
/// scenario file, `{S2}`: a second one, `{D}`: a weather data file, `{R}`: a
/// result directory, `{P}`: a shard directory, `{O}`: an output path in the
/// temporary directory.
const ARGVS: &[&[&str]] = &[
    &["validate", "{S}"],
    &["validate", "{S}", "{S2}"],
    &["reference"],
    &["run", "{S}", "-n", "4", "--seed", "3", "-q", "-o", "{O}"],
    &["run", "{S}", "--shard", "1/2", "-n", "4", "-j", "1", "-o", "{O}", "--force"],
    &["run", "--reproduce", "{R}/summary.json", "-o", "{O}"],
    &[
        "run",
        "{S}",
        "--target-rse",
        "0.01",
        "--target-metric",
        "system.utilisation_rate",
        "--batch",
        "10",
        "--max-samples",
        "100",
    ],
    &["run", "{S}", "--hourly-sample", "2", "-n", "4"],
    &["{S}", "-n", "4"],
    &["compare", "{S}", "{S2}", "-n", "4", "-o", "{O}"],
    &["merge", "{P}", "{P}", "-o", "{O}", "--force", "-q"],
    &["chart", "{R}", "--force"],
    &["fit-weather", "{D}", "--site", "x", "--format", "auto", "--utc-offset", "8", "-o", "{O}"],
    &["sweep", "{S}", "-n", "4", "-o", "{O}"],
    &["size", "{S}", "-n", "4"],
    &["elcc", "{S}", "-n", "4"],
    &["buildout", "{S}", "-n", "4"],
    &["--help"],
    &["run", "--help"],
    &["--version"],
    &[],
];

/// Placeholders and other paths an argument may become.
const PATHS: &[&str] = &[
    "{S}",
    "{S2}",
    "{D}",
    "{R}",
    "{P}",
    "{O}",
    "{R}/summary.json",
    "/nonexistent/x.toml",
    "/dev/null",
    "/dev/zero",
    "/",
    ".",
    "..",
    "",
    "-",
];

/// Argument text that is not a flag, path or number.
const SPECIAL_ARGS: &[&str] = &[
    "--",
    "-",
    "=",
    "--=",
    "-=",
    "---",
    "--n",
    "-nn",
    "-n=",
    "-n4",
    "--samples=",
    "--seed=-1",
    "1/2",
    "0/0",
    "1/0",
    "3/2",
    "2/2",
    "18446744073709551615/18446744073709551615",
    "18446744073709551616/1",
    "1 / 2",
    "K/N",
    "auto",
    "ninja",
    "pvgis-tmy",
    "pvgis-hourly",
    "x",
    "é",
    "名前",
    "\u{202e}",
    "\u{feff}",
    "\u{1b}[31m",
    "a\0b",
    "\r\n",
    " ",
    "true",
    "system.utilisation_rate",
    "no.such_metric",
    "summary.json",
    "-o-",
    "@file",
    "help",
    "--help=1",
    "-h",
    "-V",
];

/// An argument drawn for an argument mutation.
#[derive(Debug, Clone)]
enum Arg {
    /// A subcommand name, long or short flag of the CLI (from clap's own description).
    Flag(Ix),
    Num(Num),
    Path(&'static str),
    Special(&'static str),
    Chars(Vec<char>),
}

fn arg() -> impl Strategy<Value = Arg> {
    prop_oneof![
        5 => ix().prop_map(Arg::Flag),
        4 => num().prop_map(Arg::Num),
        3 => select(PATHS).prop_map(Arg::Path),
        3 => select(SPECIAL_ARGS).prop_map(Arg::Special),
        1 => prop::collection::vec(any::<char>(), 0..8).prop_map(Arg::Chars),
    ]
}

#[derive(Debug, Clone)]
enum ArgMutation {
    Delete(Ix),
    Duplicate(Ix),
    Swap(Ix, Ix),
    Insert(Ix, Arg),
    Replace(Ix, Arg),
    /// `a b` → `a=b`.
    Join(Ix),
    /// Cut an argument at a character boundary.
    Truncate(Ix, Ix),
    /// Insert text inside an argument.
    InsertText(Ix, Ix, Insert),
}

fn arg_mutation() -> impl Strategy<Value = ArgMutation> {
    prop_oneof![
        3 => ix().prop_map(ArgMutation::Delete),
        2 => ix().prop_map(ArgMutation::Duplicate),
        2 => (ix(), ix()).prop_map(|(a, b)| ArgMutation::Swap(a, b)),
        5 => (ix(), arg()).prop_map(|(a, b)| ArgMutation::Insert(a, b)),
        6 => (ix(), arg()).prop_map(|(a, b)| ArgMutation::Replace(a, b)),
        1 => ix().prop_map(ArgMutation::Join),
        1 => (ix(), ix()).prop_map(|(a, b)| ArgMutation::Truncate(a, b)),
        1 => (ix(), ix(), insert()).prop_map(|(a, b, s)| ArgMutation::InsertText(a, b, s)),
    ]
}

#[derive(Debug, Clone)]
struct CliCase {
    base: Ix,
    mutations: Vec<ArgMutation>,
}

fn cli_case() -> impl Strategy<Value = CliCase> {
    (ix(), prop::collection::vec(arg_mutation(), 0..=4)).prop_map(|(base, mutations)| CliCase { base, mutations })
}

/// The CLI's subcommand names and flags, from clap's description of it.
fn cli_flags() -> Vec<String> {
    fn walk(c: &clap::Command, out: &mut Vec<String>) {
        out.push(c.get_name().to_string());
        for a in c.get_arguments() {
            out.extend(a.get_long().map(|l| format!("--{l}")));
            out.extend(a.get_short().map(|s| format!("-{s}")));
        }
        for s in c.get_subcommands() {
            walk(s, out);
        }
    }
    let mut v = Vec::new();
    walk(&renewplan::cli::Cli::command(), &mut v);
    v.sort();
    v.dedup();
    v
}

/// The files the CLI target's placeholders stand for.
struct CliWorld {
    flags: Vec<String>,
    paths: Vec<(&'static str, String)>,
}

impl CliWorld {
    fn new(w: &World, r: &RunDirs) -> Self {
        let d = r.dir.path();
        let s2 = w.dir.path().join("fuzz-data.toml");
        std::fs::write(&s2, DATA_SCENARIO).expect("write data scenario");
        let p = |x: &Path| x.to_str().expect("UTF-8 temp path").to_string();
        let paths = vec![
            ("{S2}", p(&s2)),
            ("{S}", p(&d.join("s.toml"))),
            ("{D}", p(&w.dir.path().join(&w.fixture(TMY).name))),
            ("{R}", p(&d.join("full"))),
            ("{P}", p(&d.join("k1"))),
            ("{O}", p(&d.join("cli-out"))),
        ];
        CliWorld { flags: cli_flags(), paths }
    }

    fn expand(&self, a: &str) -> String {
        let mut s = a.to_string();
        for (k, v) in &self.paths {
            s = s.replace(k, v);
        }
        s
    }

    fn render(&self, a: &Arg) -> String {
        match a {
            Arg::Flag(i) => self.flags[i.index(self.flags.len())].clone(),
            Arg::Num(n) => n.render(),
            Arg::Path(p) => self.expand(p),
            Arg::Special(s) => s.to_string(),
            Arg::Chars(c) => c.iter().collect(),
        }
    }
}

fn mutate_args(mut v: Vec<String>, muts: &[ArgMutation], cw: &CliWorld) -> Vec<String> {
    for m in muts {
        let n = v.len();
        match m {
            ArgMutation::Delete(i) => {
                if let Some(i) = pick(i, n) {
                    v.remove(i);
                }
            }
            ArgMutation::Duplicate(i) => {
                if let Some(i) = pick(i, n) {
                    v.insert(i, v[i].clone());
                }
            }
            ArgMutation::Swap(a, b) => {
                if let (Some(a), Some(b)) = (pick(a, n), pick(b, n)) {
                    v.swap(a, b);
                }
            }
            ArgMutation::Insert(i, a) => v.insert(i.index(n + 1), cw.render(a)),
            ArgMutation::Replace(i, a) => match pick(i, n) {
                Some(i) => v[i] = cw.render(a),
                None => v.push(cw.render(a)),
            },
            ArgMutation::Join(i) => {
                if let Some(i) = pick(i, n.saturating_sub(1)) {
                    let b = v.remove(i + 1);
                    v[i] = format!("{}={b}", v[i]);
                }
            }
            ArgMutation::Truncate(i, at) => {
                if let Some(i) = pick(i, n) {
                    let cut = boundary(&v[i], at.index(v[i].len() + 1));
                    v[i].truncate(cut);
                }
            }
            ArgMutation::InsertText(i, at, s) => {
                if let Some(i) = pick(i, n) {
                    let at = boundary(&v[i], at.index(v[i].len() + 1));
                    v[i].insert_str(at, &s.render());
                }
            }
        }
    }
    v
}

/// Parse a mutated argument vector with the CLI's clap parser; run the
/// cheap commands that write nothing (`validate`; `reference` as its
/// Markdown, which `renewplan reference` prints).
fn check_cli(cw: &CliWorld, c: &CliCase, st: &mut Stats) -> Result<(), String> {
    use renewplan::cli::{Cli, Command};
    let base = ARGVS[c.base.index(ARGVS.len())];
    let argv = mutate_args(base.iter().map(|a| cw.expand(a)).collect(), &c.mutations, cw);
    let fail =
        |what: &str, p: String| format!("{what} failed on {argv:?} (from {base:?}, mutations {:?})\n{p}", c.mutations);
    let parsed = guarded(|| Cli::try_parse_from(std::iter::once("renewplan".to_string()).chain(argv.iter().cloned())))
        .map_err(|p| fail("Cli::try_parse_from", p))?;
    tally(&parsed, st).map_err(|p| fail("displaying the clap error", p))?;
    let Ok(cli) = parsed else { return Ok(()) };
    match cli.command {
        Some(Command::Validate { .. }) => {
            let r = guarded(|| renewplan::cli::main(cli)).map_err(|p| fail("renewplan validate", p))?;
            match &r {
                Ok(()) => st.downstream_ok += 1,
                Err(e) => {
                    st.downstream_err += 1;
                    let (code, msg) = guarded(|| (e.exit_code(), e.to_string()))
                        .map_err(|p| fail("displaying the validate error", p))?;
                    if msg.trim().is_empty() || !(1..=2).contains(&code) {
                        return Err(fail("renewplan validate", format!("exit status {code}, message `{msg}`")));
                    }
                }
            }
        }
        Some(Command::Reference) => {
            let md = guarded(renewplan::model::scenario::reference::markdown).map_err(|p| fail("reference", p))?;
            if md.is_empty() {
                return Err(fail("reference", "empty reference".into()));
            }
            st.downstream_ok += 1;
        }
        _ => {}
    }
    Ok(())
}

#[test]
fn merge_mutations_never_panic() {
    let w = World::new();
    let r = RunDirs::new();
    fuzz("merge", 48, dir_case(), |c, st| check_merge(&w, &r, c, st));
}

#[test]
fn result_mutations_never_panic() {
    let w = World::new();
    let r = RunDirs::new();
    fuzz("result", 8, dir_case(), |c, st| check_result(&w, &r, c, st));
}

#[test]
fn cli_mutations_never_panic() {
    let w = World::new();
    let r = RunDirs::new();
    let cw = CliWorld::new(&w, &r);
    fuzz("cli", 256, cli_case(), |c, st| check_cli(&cw, c, st));
}

// ------------------------------------------------- regressions of bugs found
//
// Each test below holds the minimal input of a panic (or abort) the fuzzing
// found; the explanations describe the code as it was when found. All five
// were fixed in commit 33ad03b (see docs/fuzzing.md). The arithmetic
// overflows panicked in builds with overflow checks (debug builds, `cargo
// test`, and the long campaign of docs/fuzzing.md); a release build wrapped
// silently instead.

/// Load (and, when it resolves, simulate one sample of) a scenario under
/// `guarded`: the panic message, if anything panics.
fn load_and_run(text: &str) -> Result<(), String> {
    let src = Source { name: "regression.toml".into(), dir: None, text: text.to_string() };
    let r = guarded(|| scenario::load(&src).map(|_| ()).map_err(|e| e.to_string()))?;
    if r.is_ok() {
        match run_engine(&src, 1, 1)? {
            EngineRun::TooManyUnits => return Err("an outage group too large to simulate".into()),
            EngineRun::NotResolved | EngineRun::Ran(..) => {}
        }
    }
    Ok(())
}

/// `days_from_civil(year, 1, 1)` computes `year - 1` in `i32` (resolve.rs,
/// `let y = if m <= 2 { y - 1 } else { y } as i64;`): the calendar is built
/// before the out-of-range study year is reported, so `i32::MIN` panics
/// instead of giving "a year from 1900 to 2200".
#[test]
fn bug_study_year_i32_min_overflows_days_from_civil() {
    let text = "[scenario]\nname = \"m\"\nstudy_year = -2147483648\n";
    load_and_run(text).unwrap_or_else(|p| panic!("{p}"));
}

/// `make_calendar` steps the year with `y += 1` in `i32` when the horizon
/// runs past 31 December: with the study year `i32::MAX` (out of range, but
/// the calendar is built before that is reported) and a horizon of more
/// than one year, it overflows.
#[test]
fn bug_study_year_i32_max_overflows_make_calendar() {
    let text = "[scenario]\nname = \"m\"\nstudy_year = 2147483647\nhorizon_h = 8761\n";
    load_and_run(text).unwrap_or_else(|p| panic!("{p}"));
}

/// Build-out schedule years are only checked to parse as `i32`, not for
/// range; the solar degradation of each tranche then takes
/// `(year - y).max(0)` in `i32` (resolve.rs, solar fleets), which overflows
/// for a tranche year below `study_year - i32::MAX`. (Less extreme years,
/// e.g. `{ -2000000000 = 5 }`, resolve without a message and make the
/// tranche lose everything to degradation: a schedule year should probably
/// be limited to a plausible range.)
#[test]
fn bug_schedule_year_overflows_solar_degradation() {
    let text = "[scenario]\nname = \"m\"\nstudy_year = 2030\nhorizon_h = 24\n\n\
                [[zone]]\nname = \"z\"\nlatitude_deg = 38\nlongitude_deg = 105\nutc_offset_h = 8\n\n\
                [[site]]\nname = \"s\"\nlatitude_deg = 38\nlongitude_deg = 105\n\n\
                [[solar_fleet]]\nname = \"pv\"\nzone = \"z\"\nsite = \"s\"\ncapacity_mwdc = { -2147483648 = 1 }\n";
    load_and_run(text).unwrap_or_else(|p| panic!("{p}"));
}

/// `units` is accepted up to `u32::MAX`, and unit counts derived from
/// capacity are as large (1e6 MWdc at a DC/AC ratio of 0.5 in 0.001 MWac
/// inverter blocks is 2e9 blocks; 1e6 MW of 0.01 MW turbines is 1e8), all
/// within the accepted ranges. `outage::Chain::with_schedule` keeps four
/// tables of `units + 1` f64 per group, so `units = 4294967295` asks for
/// 4 × 34 GB: the allocation fails and the process aborts (or is killed by
/// the OOM killer), which no `catch_unwind` can report. Either reject unit
/// counts above a bound with a message, or make the sampler's memory
/// independent of the unit count. The check runs the engine in a child
/// process limited to 4 GB of address space (Unix `sh` with `ulimit -v`).
#[test]
fn bug_huge_unit_counts_exhaust_memory() {
    let text = "[scenario]\nname = \"m\"\nstudy_year = 2030\nhorizon_h = 24\n\n\
                [[zone]]\nname = \"z\"\nlatitude_deg = 38\nlongitude_deg = 105\nutc_offset_h = 8\n\n\
                [[generator]]\nname = \"g\"\nzone = \"z\"\ncapacity_mw = 100\nunits = 4294967295\n";
    if std::env::var_os("RENEWPLAN_FUZZ_CHILD").is_some() {
        // In the child: really simulate (an allocation failure aborts here).
        let src = Source { name: "regression.toml".into(), dir: None, text: text.into() };
        if let Ok(model) = scenario::load(&src) {
            let study = Study::new(&model);
            let mut scratch = study.scratch();
            study.simulate(1, 0, &mut scratch, &mut ProfileSums::new(model.hours()), &mut Vec::new());
        }
        return;
    }
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" --exact bug_huge_unit_counts_exhaust_memory --ignored --nocapture")
        .arg(&exe)
        .env("RENEWPLAN_FUZZ_CHILD", "1")
        .output()
        .expect("run the child test");
    assert!(
        out.status.success(),
        "a scenario with units = 4294967295 must be rejected or simulated in bounded memory; the child ({}) \
         failed:\n{}",
        out.status,
        clip(&String::from_utf8_lossy(&out.stderr), 2000)
    );
}

/// An hourly capacity series (`capacity_csv`) is checked for finite, ≥ 0
/// values only (resolve::read_series with `max = ∞`), while `capacity_mw`
/// is limited to 1e6 MW. With a generator of 1e20 MW in its series and a
/// 10 MW load, the generator tier (`deficit_from_generators`) computes the
/// energy it must supply as `before - sup` = 1e20 − (1e20 − 10) = 0 in f64:
/// the load is marked served with no generation, and the energy-balance
/// invariant (debug builds) fails with a residual of −10 MW; a release build
/// reports the hour as served. Found by the scenario target with the
/// `series48_extreme.csv` series (1e300 MW); any value from about 1e17 MW on
/// breaks the balance of a 10 MW load. Limit capacity series to the range of
/// the constant keys, or compute the generators' share without cancellation.
#[test]
fn bug_huge_capacity_series_breaks_energy_balance() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("cap.csv"), "mw\n1e20\n").expect("write series");
    let text = "[scenario]\nname = \"m\"\nstudy_year = 2030\nhorizon_h = 1\n\n\
                [[zone]]\nname = \"z\"\nlatitude_deg = 38\nlongitude_deg = 105\nutc_offset_h = 8\n\n\
                [[generator]]\nname = \"g\"\nzone = \"z\"\ncapacity_mw = 100\ncapacity_csv = \"cap.csv\"\n\n\
                [[load]]\nname = \"l\"\nzone = \"z\"\nmw = 10\n";
    let src = Source { name: "regression.toml".into(), dir: Some(dir.path().to_path_buf()), text: text.into() };
    match run_engine(&src, 1, 1) {
        Ok(EngineRun::Ran(..) | EngineRun::NotResolved) => {}
        Ok(EngineRun::TooManyUnits) => unreachable!("one unit"),
        Err(p) => panic!("{p}"),
    }
}

/// A shard's `samples.csv` with an edited metric (its manifest updated to
/// match) was accepted by `merge`. The `merge` target's first short run
/// found such a case (a mutated `samples.csv`, not shrunk) on which drawing
/// the merged result's charts panicked inside plotters ("attempt to add
/// with overflow", `plotters` `coord/ranged1d/types/numeric.rs:271`). Now
/// `merge` refuses a non-finite metric or one beyond 1e15 in magnitude,
/// naming line and column; before the fix this test failed with "a metric
/// of 1e300 was accepted".
#[test]
fn bug_huge_metric_in_shard_samples_panics_charts() {
    let r = RunDirs::new();
    let case = r.dir.path().join("regression");
    let dirs: Vec<std::path::PathBuf> = (1..=2).map(|k| case.join(format!("k{k}"))).collect();
    for (k, (d, files)) in dirs.iter().zip(&r.shards).enumerate() {
        let i = files.iter().position(|b| b.name == "samples.csv").expect("samples.csv");
        let mut lines: Vec<String> = files[i].text.lines().map(str::to_string).collect();
        let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        cells[1] = "1e300".into();
        lines[1] = cells.join(",");
        let text = lines.join("\n") + "\n";
        RunDirs::write(d, files, (k == 0).then_some((i, text.as_str())), true);
    }
    let merged = guarded(|| shard::merge(&dirs, 1)).expect("merge does not panic");
    match merged {
        Ok(m) => {
            let _ =
                guarded(|| renewplan::present::result::merged_files(&m).map(|_| ())).expect("drawing does not panic");
            panic!("a metric of 1e300 was accepted");
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.contains("line 2, column 2") && msg.contains("1e300"), "{msg}");
        }
    }
}
