"""
The autonomy system (pipelines/autonomy.pipeline) written the team's way:
one process per worker, joined by manager queues (python/workers).
"""
