# Keyward: a staff member's desktop (example OpenBao / HashiCorp Vault policy).
#
# One policy per desktop: replace DESKTOP_NAME with the desktop's name in
# the vault (`keyward team status` shows it; by default <user>@<computer>),
# and `secret` / `keyward` with your KV version 2 mount and Keyward's prefix.
#
#   bao policy write keyward-staff-alice sed-filled-copy-of-this-file.hcl
#
# The desktop may write only its own inventory document (metadata, never a
# secret) and read back its own versions; it cannot list, read or change any
# other desktop's document.

path "secret/data/keyward/inventory/DESKTOP_NAME" {
  capabilities = ["create", "update", "read"]
}

path "secret/metadata/keyward/inventory/DESKTOP_NAME" {
  capabilities = ["read"]
}

# Shared keys this person is granted: one block per key (or per folder,
# with a trailing /*), read-only, and the list of names. Nothing else under
# shared/ is readable. (`keyward team shared`, `keyward team copy NAME`.)
# path "secret/data/keyward/shared/payments-api" {
#   capabilities = ["read"]
# }
# path "secret/metadata/keyward/shared" {
#   capabilities = ["list"]
# }
# path "secret/metadata/keyward/shared/payments-api" {
#   capabilities = ["read"]   # its version, and whether it was deleted (never the secret)
# }
