"""A small typed async client of the SocialErasmus Match services.

```python
from services.client import SocialErasmusClient

async with SocialErasmusClient.from_env(token=token) as client:
    async for activity in client.iter_activities(page_size=50):
        print(activity.details.title)
```
"""

from services.client.client import SocialErasmusClient
from services.client.config import ClientConfig, Service
from services.client.errors import ClientError
from services.client.health import ServiceHealth
from services.client.retry import NO_RETRIES, RetryPolicy

__all__ = [
    "NO_RETRIES",
    "ClientConfig",
    "ClientError",
    "RetryPolicy",
    "Service",
    "ServiceHealth",
    "SocialErasmusClient",
]
