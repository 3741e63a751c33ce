app_name = "breakthroughs"
urlpatterns: list = []
