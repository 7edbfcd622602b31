"""Everything needed at inference time: document types, components, heads and save/load."""
