"""Data generation and fine-tuning: the synthetic corpus generator and the trainer."""
