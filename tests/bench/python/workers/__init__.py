"""
The worker model's plumbing, as the autonomy team runs it (stdlib only).
"""
