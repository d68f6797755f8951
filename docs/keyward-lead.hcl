# Keyward: the security lead (example OpenBao / HashiCorp Vault policy).
#
# Replace `secret` / `keyward` with your KV version 2 mount and Keyward's
# prefix. The lead reads every desktop's inventory document (metadata only,
# never a secret) for `keyward team report` and the Team screen, including
# earlier versions for audits, and publishes their own desktop's inventory.
# It grants nothing under shared/: give shared keys through staff policies.
#
#   bao policy write keyward-lead keyward-lead.hcl

path "secret/metadata/keyward/inventory" {
  capabilities = ["list"]
}

path "secret/metadata/keyward/inventory/*" {
  capabilities = ["list", "read"]
}

path "secret/data/keyward/inventory/*" {
  capabilities = ["read"]
}

# The lead's own desktop, as any staff member's (replace LEAD_DESKTOP).
path "secret/data/keyward/inventory/LEAD_DESKTOP" {
  capabilities = ["create", "update", "read"]
}
