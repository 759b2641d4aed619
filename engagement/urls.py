"""The pages of interaction and feedback, one module per part, under the namespace ``engagement``."""

from engagement import urls_comments, urls_notices, urls_suggestions, urls_surveys

app_name = "engagement"

urlpatterns = [
    *urls_comments.urlpatterns,
    *urls_suggestions.urlpatterns,
    *urls_notices.urlpatterns,
    *urls_surveys.urlpatterns,
]
