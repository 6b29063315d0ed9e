module cn.edu.gradphoto/localeenv

go 1.26.0
