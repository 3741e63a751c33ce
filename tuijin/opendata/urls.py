app_name = "opendata"
urlpatterns: list = []
