"""Signing in, tokens and erasure: the refusals a script may act on, each with its code, in English and in French."""
from tests.helpers import api_token, assert_refused
from tests.totem.factories import PASSWORD, make_user
from totem import clock
from totem.auth.service import deactivate_user


def test_a_wrong_password_a_deactivated_account_and_a_dead_token_are_told_apart(client, db):
    admin = make_user(db, role="admin")
    gone = make_user(db, email="gone@example.com")
    make_user(db, email="nadia@example.com")
    db.commit()
    deactivate_user(db, actor=admin, user=gone, now=clock.now())
    db.commit()

    assert_refused(lambda language: client.post("/api/v1/auth/token", headers=language, json={
        "email": "nadia@example.com", "password": "not-her-password"}), 401, "invalid_credentials",
        "Wrong e-mail or password.", "Adresse e-mail ou mot de passe incorrect.")
    assert_refused(lambda language: client.post("/api/v1/auth/token", headers=language, json={
        "email": "gone@example.com", "password": PASSWORD}), 403, "account_deactivated",
        "This account has been deactivated.", "Ce compte a été désactivé.")
    assert_refused(lambda language: client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense", **language}),
                   401, "token_invalid", "Invalid or revoked token.", "Jeton invalide ou révoqué.")
    assert_refused(lambda language: client.get("/api/v1/me", headers=language), 401, "unauthenticated",
                   "Missing bearer token.", "Jeton d'authentification (Bearer) manquant.")


def test_an_admin_erases_neither_themselves_nor_anyone_twice(client, db):
    admin = make_user(db, role="admin")
    person = make_user(db, email="leaving@example.com")
    db.commit()
    token = api_token(client, admin.email, PASSWORD)
    assert client.post(f"/api/v1/users/{person.id}/erase", headers=token).status_code == 200

    assert_refused(lambda language: client.post(f"/api/v1/users/{admin.id}/erase", headers={**token, **language}),
                   409, "own_account", "You cannot erase your own account.",
                   "Vous ne pouvez pas effacer votre propre compte.")
    assert_refused(lambda language: client.post(f"/api/v1/users/{person.id}/erase", headers={**token, **language}),
                   409, "already_erased", "This person has already been erased.",
                   "Cette personne a déjà été effacée.")
