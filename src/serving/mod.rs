//! The serving exercise over real HTTP: its reference server behind axum
//! (`http.rs`), an open-loop load generator (`load.rs`), and the
//! experiment `concur bench serving` and `cargo bench --bench serving`
//! run (`experiment.rs`).

pub mod experiment;
pub mod http;
pub mod load;
pub mod streams;
