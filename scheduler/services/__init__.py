"""Use-cases: what the secretary, attorneys, clients and integrators can do.

Each function takes a unit of work (``scheduler.ports.UnitOfWork``), the acting party and "now",
loads facts through the repositories, calls the pure modules, and commits. Routes and commands are
thin wrappers over these functions.
"""
