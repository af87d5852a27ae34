"""The demo SaaS company, Cirrus Analytics, deterministic from a seed.

``build_demo()`` gives the 12-team company of the README; ``build_demo(teams=300,
accounts=200, months=36)`` the company-scale plan the benchmarks use.
"""

from planbook.demo.budgets import Demo, build_demo

__all__ = ["Demo", "build_demo"]
