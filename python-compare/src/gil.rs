//! The GIL made visible. A Rust function is handed to the embedded
//! interpreter twice: once holding the GIL while it computes, once
//! releasing it (`py.detach`). Called from two Python threads, the first
//! runs one call at a time; the second runs both at once.

use std::hint::black_box;

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// CPU work with no memory traffic: `n` rounds of SplitMix64's mixer.
fn spin(n: u64) -> u64 {
    let mut x = 0u64;
    for i in 0..n {
        x = x.wrapping_add(i).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^= x >> 31;
    }
    black_box(x)
}

// ANCHOR: two_forms
/// Holds the GIL throughout, as any pyo3 function does unless it asks
/// otherwise: no other Python thread runs until it returns.
#[pyfunction]
fn spin_holding_gil(n: u64) -> u64 {
    spin(n)
}

/// Releases the GIL while it computes. It may touch no Python object
/// meanwhile, which `detach`'s `Ungil` bound checks at compile time.
#[pyfunction]
fn spin_releasing_gil(py: Python<'_>, n: u64) -> u64 {
    py.detach(|| spin(n))
}
// ANCHOR_END: two_forms

/// Makes `import concur_rust` work in the embedded interpreter.
pub fn install(py: Python<'_>) -> PyResult<()> {
    let module = PyModule::new(py, "concur_rust")?;
    module.add_function(wrap_pyfunction!(spin_holding_gil, &module)?)?;
    module.add_function(wrap_pyfunction!(spin_releasing_gil, &module)?)?;
    py.import("sys")?
        .getattr("modules")?
        .cast_into::<PyDict>()?
        .set_item("concur_rust", module)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_compute_the_same() {
        assert_eq!(spin(1000), spin(1000));
        Python::attach(|py| {
            install(py).unwrap();
            let m = py.import("concur_rust").unwrap();
            let held: u64 = m
                .call_method1("spin_holding_gil", (1000,))
                .unwrap()
                .extract()
                .unwrap();
            let released: u64 = m
                .call_method1("spin_releasing_gil", (1000,))
                .unwrap()
                .extract()
                .unwrap();
            assert_eq!(held, spin(1000));
            assert_eq!(released, spin(1000));
        });
    }
}
