//! Layer 6: result files (`output`: summary, samples, hourly trace;
//! `outdir`: safe names, manifests, the atomic directory writer) and shards (`shard`: partial results and their
//! exact merge).

pub mod outdir;
pub mod output;
pub mod shard;
