from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def project_list(request):
    return HttpResponse("")


boards = review_queue = project_list


@login_required
def project_detail(request, pk):
    return HttpResponse("")
