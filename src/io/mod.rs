//! Layer 6: result files (`output`: summary, samples, hourly trace, the
//! atomic directory writer) and shards (`shard`: partial results and their
//! exact merge).

pub mod output;
pub mod shard;
