# Keyward: who may share keys with the team (example OpenBao / HashiCorp Vault policy).
#
# Replace `secret` / `keyward` with your KV version 2 mount and Keyward's prefix. Keyward writes
# a shared key with check-and-set (only if no shared key has that name yet, or on top of the
# version it read), so two people cannot overwrite each other silently. Give this policy only
# to the people who look after shared keys (share, rotate and delete them: `delete` removes a
# shared key's newest version for every colleague, while the vault keeps every version for its
# administrators and auditors); everyone else gets read access to the keys they need (see
# keyward-staff.hcl).
#
#   bao policy write keyward-share keyward-share.hcl

path "secret/data/keyward/shared/*" {
  capabilities = ["create", "update", "read", "delete"]
}

# The versions (never the secrets): which version is current, and whether it was deleted, so
# deleted keys are not listed and rotations check the version the person saw.
path "secret/metadata/keyward/shared/*" {
  capabilities = ["read"]
}

path "secret/metadata/keyward/shared" {
  capabilities = ["list"]
}
