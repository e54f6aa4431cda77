"""SafeLoop: industrial work-safety supervision."""
