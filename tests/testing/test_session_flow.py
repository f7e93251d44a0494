"""The user-session flow of TMDB end to end, against FakeTMDB over real sockets."""

from __future__ import annotations

from tmdb_async import TMDB
from tmdb_async.testing import FakeTMDB


async def test_request_token_to_session_then_account_writes_and_ratings() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        token = await tmdb.authentication.create_request_token()
        approved = await tmdb.authentication.validate_token_with_login(
            username="user", password="secret", request_token=token.request_token
        )
        session = await tmdb.authentication.create_session(request_token=approved.request_token)
        session_id = session.session_id
        account = await tmdb.account.details(1, session_id=session_id)
        favorite = await tmdb.account.add_favorite(
            account.id, session_id=session_id, media_type="movie", media_id=550, favorite=True
        )
        watchlist = await tmdb.account.add_to_watchlist(
            account.id, session_id=session_id, media_type="tv", media_id=1399, watchlist=True
        )
        await tmdb.movies.add_rating(550, value=7.5, session_id=session_id)
        states = await tmdb.movies.account_states(550, session_id=session_id)
        await tmdb.authentication.delete_session(session_id=session_id)

    assert isinstance(session_id, str)
    assert session_id
    assert isinstance(favorite.status_code, int)
    assert isinstance(watchlist.status_code, int)
    assert states.rated.value == 7.5  # type: ignore[union-attr]  # a rating was stored for the session
    sent = fake.stats.by_path
    assert sent["/3/authentication/token/new"] == 1
    assert sent["/3/authentication/session/new"] == 1
    assert sent["/3/account/1/favorite"] == 1
    assert fake.ratings == {(session_id, "movies", 550): 7.5}
