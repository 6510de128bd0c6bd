def test_ping(guest_client, db):
    response = guest_client.get("/api/method/ping")
    assert response.status_code == 200
    assert response.json() == {"message": "pong"}
