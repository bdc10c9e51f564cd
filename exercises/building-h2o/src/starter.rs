//! Your drill: let the atoms through in molecules, two hydrogens and one
//! oxygen at a time.
//!
//! Check it with `cargo test -p building-h2o --features starter` or
//! `concur check building-h2o`. Ask `concur hint building-h2o` when stuck.

#![allow(unused_imports)] // the imports are what you will need

use kit::sync::{Condvar, Mutex};

use crate::H2O;

/// Atoms let through three at a time.
#[derive(Debug, Default)]
pub struct StarterH2O {
    // TODO: the state the atoms share: the molecule being built (how many
    // of each kind have joined), whether it has formed, whether the last
    // one is still being released; and a way for an atom to sleep until
    // that changes.
}

impl H2O for StarterH2O {
    fn new() -> Self {
        Self::default()
    }

    fn hydrogen(&self, release: impl FnOnce()) {
        // TODO: wait for a place (two hydrogens to a molecule), then for
        // the molecule to form; release; then, if you are the last of its
        // three, let the next molecule form.
        let _ = release;
        todo!("StarterH2O::hydrogen")
    }

    fn oxygen(&self, release: impl FnOnce()) {
        // TODO: the same, with one oxygen to a molecule.
        let _ = release;
        todo!("StarterH2O::oxygen")
    }
}
