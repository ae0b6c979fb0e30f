// Sends the roster with a progress bar: upload progress, then a note while
// the server checks and stores every row. Without JavaScript the form posts normally.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("roster-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var bar = document.getElementById("roster-progress");
  var status = document.getElementById("roster-status");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "正在上传…";
    xhr.upload.onprogress = function (p) {
      if (p.lengthComputable) bar.value = Math.round((p.loaded / p.total) * 90);
    };
    xhr.upload.onload = function () {
      bar.value = 90;
      status.textContent = "上传完成，正在逐行校验并导入…";
    };
    xhr.onload = function () {
      bar.value = 100;
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var result = doc.getElementById("roster-result");
      if (result) {
        document.getElementById("roster-result").innerHTML = result.innerHTML;
        status.textContent = "";
      } else {
        status.textContent = xhr.status === 413 ? "文件过大，请分成多个文件导入。" : "导入失败，请稍后重试。";
      }
    };
    xhr.onerror = function () { status.textContent = "网络中断，文件未导入。"; };
    xhr.send(new FormData(form));
  });
});
