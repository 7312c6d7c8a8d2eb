"""Demo data for local runs, tests, evaluations and benchmarks: realistic SocialErasmus
activities of real ESN sections, from templates kept as data files under ``data/``.

Shared like the kernel (it imports no service), but not part of it: no service needs it to
serve."""
