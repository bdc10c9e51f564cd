pub mod bench;
pub mod topk;
