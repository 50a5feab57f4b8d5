/* moped-collab-keys.h: this installation's CURVE key pair, invites and the ids derived from keys.
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every installation owns one key pair, made on first use and kept in the user's
 * configuration folder with the secret readable by its owner only (0600). Peers know
 * each other by public key: authorship comes from the key the connection proved,
 * never from what a message says.
 *
 * An invite is a link, moped://HOST:PORT/?key=HEX&token=TOKEN: HEX is the host's
 * public key (the guest refuses any host that cannot prove it), TOKEN a single-use,
 * expiring secret that admits one new key. A short code (six digits, read aloud from
 * the host's screen) admits the same way once the guest knows the host and its key.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MOPED_KEY_Z85_LEN 40

typedef struct
{
  char public_z85[MOPED_KEY_Z85_LEN + 1];
  char secret_z85[MOPED_KEY_Z85_LEN + 1];
} MopedKeyPair;

/* Load the key pair from @dir (NULL: the user's configuration folder, moped/), making
 * one the first time. A secret file that others may read is refused with a message. */
gboolean  moped_key_pair_load_or_create (const char    *dir,
                                         MopedKeyPair  *out,
                                         GError       **error);
/* A fresh pair, not stored. */
void      moped_key_pair_generate       (MopedKeyPair  *out);

/* 64 lowercase hex digits for a Z85 key and back; NULL when not a key. */
char     *moped_key_to_hex              (const char    *z85);
char     *moped_key_from_hex            (const char    *hex);
/* The short id a key writes into element ids and authorship: 8 hex digits of its hash. */
char     *moped_key_to_author           (const char    *z85);

typedef struct
{
  char *host;       /* as written in the link: name, IPv4 or [IPv6] */
  guint port;
  char *key_z85;    /* the host's public key */
  char *token;      /* may be NULL (a link without a token: known keys, short codes) */
} MopedInvite;

/* NULL with a message saying what is wrong with the link. */
MopedInvite *moped_invite_parse         (const char    *link,
                                         GError       **error);
char        *moped_invite_to_link       (const MopedInvite *invite);
/* tcp://HOST:PORT */
char        *moped_invite_get_endpoint  (const MopedInvite *invite);
void         moped_invite_free          (MopedInvite   *invite);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MopedInvite, moped_invite_free)

G_END_DECLS
