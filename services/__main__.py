"""``python -m services`` runs the whole product locally (see services.launcher)."""

from services.launcher import main

if __name__ == "__main__":
    main()
