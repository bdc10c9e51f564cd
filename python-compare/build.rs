//! Links against the interpreter pyo3 found, and tells the harness where it
//! lives and where its venv goes.

use std::path::PathBuf;

fn main() {
    // Without this rpath, the binary loads whatever libpython the system
    // linker finds first (Debian's 3.11.2), not the one pyo3 built against.
    pyo3_build_config::add_libpython_rpath_link_args();

    // multiprocessing starts its children with this interpreter: in an
    // embedded interpreter `sys.executable` is the Rust binary.
    let config = pyo3_build_config::get();
    let interpreter = config.executable().unwrap_or("python3");
    println!("cargo:rustc-env=PYTHON_COMPARE_INTERPRETER={interpreter}");

    // OUT_DIR is <target>/<profile>/build/<package>-<hash>/out; the venv
    // lives beside the profiles, shared by debug and release builds.
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = out.ancestors().nth(4).unwrap_or(&out);
    println!(
        "cargo:rustc-env=PYTHON_COMPARE_VENV={}",
        target.join("python-venv").display()
    );
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
}
