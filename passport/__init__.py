"""Care Passport's domain, in two parts, each with one face.

- ``passport.core``: the signed core. Versions as SD-JWTs in a hash chain with custody, consent-scoped views,
  the card and its QR code, verification, and the signing identity. Pure: no database.
- ``passport.services``: what a deployment stores and does, on its database: records, imports and transfers,
  sharing, the person's own pages, principals and access, peers, the staff list and the audit trail.

The services use the core; the core never uses the services. api/ and cli/ use only the two faces (and
``schemas``): tests/test_boundaries.py keeps it so.
"""
