app_name = "race"
urlpatterns: list = []
