"""The HTTP side shared by the functions: routes, principal, errors, schemas."""
